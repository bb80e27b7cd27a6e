package orb_test

import (
	"testing"

	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/internal/benchecho"
)

// BenchmarkEchoAdd measures Bench::Echo add calls from our client to our
// server over loopback TCP, with b.RunParallel's goroutines sharing one
// connection (many outstanding requests), with the servant registered
// both ways. Compare with the omniORB numbers from interop/omni, measured
// in the same run.
func BenchmarkEchoAdd(b *testing.B) {
	b.Run("goroutine", func(b *testing.B) { benchEchoAdd(b, false) })
	b.Run("inline", func(b *testing.B) { benchEchoAdd(b, true) })
}

func benchEchoAdd(b *testing.B, inline bool) {
	s := startServer(b, orb.ServerConfig{})
	if inline {
		s.adapter.RegisterInline([]byte(benchecho.ObjectKey), benchecho.Servant{})
	} else {
		s.adapter.Register([]byte(benchecho.ObjectKey), benchecho.Servant{})
	}
	c := orb.NewClient(orb.ClientConfig{Logger: quiet})
	defer c.Close()
	o, err := c.Object(s.ior(benchecho.RepositoryID, benchecho.ObjectKey))
	if err != nil {
		b.Fatal(err)
	}
	stub := benchecho.Stub{Ref: o}
	ctx := b.Context()
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := stub.Add(ctx, 1, 2); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCDRString is the cost of marshalling a small reply body.
func BenchmarkCDRString(b *testing.B) {
	e := cdr.NewEncoder(true)
	b.ReportAllocs()
	for b.Loop() {
		e.Reset(true, 0)
		e.WriteString("hello, world")
		e.WriteLong(42)
	}
}
