package sequencer

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"concord/internal/wire"
	"concord/rm"
)

// BenchmarkOrdered measures ordered throughput over loopback UDP: one FE
// keeps up to 4096 requests unacknowledged, the sequencer numbers them and
// multicasts them to 4 RM hold-back queues (rm.Delivery behind a wire.Conn,
// no replica), and a request counts once all 4 RMs delivered it.
//
//	go test -run XXX -bench Ordered -benchtime 200000x ./sequencer/
func BenchmarkOrdered(b *testing.B) {
	for _, c := range []struct {
		name            string
		ioBatch, maxReq int
	}{
		{"batched", 64, 0},
		{"unbatched", 1, 1},
	} {
		b.Run(c.name, func(b *testing.B) { benchOrdered(b, c.ioBatch, c.maxReq) })
	}
}

func benchOrdered(b *testing.B, ioBatch, maxReq int) {
	key := wire.NewKey([]byte("bench"))
	cc := wire.ConnConfig{Key: key, Batch: ioBatch}
	seqConn, err := wire.Listen("127.0.0.1:0", cc)
	if err != nil {
		b.Fatal(err)
	}
	const nRM = 4
	cfg := Config{ID: 1, MaxBatch: maxReq}
	rmConns := make([]*wire.Conn, nRM)
	for i := range rmConns {
		if rmConns[i], err = wire.Listen("127.0.0.1:0", cc); err != nil {
			b.Fatal(err)
		}
		cfg.RMs = append(cfg.RMs, RM{ID: uint32(11 + i), Addr: rmConns[i].LocalAddr()})
	}
	srv, err := Listen(ServerConfig{Sequencer: cfg, Conn: seqConn})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		for _, c := range rmConns {
			c.Close()
		}
		wg.Wait()
	}()
	wg.Add(1)
	go func() { defer wg.Done(); _ = srv.Serve(ctx) }()

	var minDelivered atomic.Uint64
	delivered := make([]atomic.Uint64, nRM)
	for i, c := range rmConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := rm.New(rm.Config{ID: uint32(11 + i), SequencerID: 1, Sequencer: srv.Addr()})
			start := time.Now()
			var in []wire.In
			for {
				var err error
				if in, err = c.Read(in[:0]); err != nil {
					return
				}
				outs := d.Step(rm.Tick{Now: time.Since(start)})
				send := func(outs []rm.Output) {
					for _, o := range outs {
						if s, ok := o.(rm.Send); ok {
							_ = c.Send(s.To, s.Pkt)
						}
					}
				}
				send(outs)
				for _, e := range in {
					send(d.Step(rm.Recv{From: e.From, Pkt: e.Pkt}))
				}
				c.Flush()
				delivered[i].Store(d.Next() - 1)
				m := delivered[0].Load()
				for j := 1; j < nRM; j++ {
					m = min(m, delivered[j].Load())
				}
				minDelivered.Store(m)
			}
		}()
	}

	fe, err := wire.Listen("127.0.0.1:0", cc)
	if err != nil {
		b.Fatal(err)
	}
	defer fe.Close()
	var acked atomic.Uint64
	go func() {
		var in []wire.In
		for {
			var err error
			if in, err = fe.Read(in[:0]); err != nil {
				return
			}
			for _, e := range in {
				if a, ok := e.Pkt.Msg.(*wire.RequestAck); ok {
					acked.Add(uint64(len(a.Acks)))
				}
			}
		}
	}()
	args := make([]byte, 64) // about a bookEvent's arguments
	const window = 4096
	b.ResetTimer()
	start := time.Now()
	deadline := start.Add(5 * time.Minute)
	sent := uint64(0)
	for minDelivered.Load() < uint64(b.N) && time.Now().Before(deadline) {
		// No retransmission: loopback does not lose at these rates, and a
		// lost request shows up as a benchmark that never ends (deadline).
		for sent < uint64(b.N) && sent-minDelivered.Load() < window {
			sent++
			_ = fe.Send(srv.Addr(), wire.Packet{Sender: 100, Msg: &wire.Request{FE: 100, ID: sent, ReplyTo: fe.LocalAddr(), Service: "dems", Operation: "bookEvent", Args: args}})
			if sent%32 == 0 {
				fe.Flush()
			}
		}
		fe.Flush()
		time.Sleep(50 * time.Microsecond)
	}
	el := time.Since(start)
	b.StopTimer()
	if minDelivered.Load() < uint64(b.N) {
		b.Fatalf("only %d of %d delivered everywhere", minDelivered.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "req/s")
	st, cs := srv.Stats()
	b.ReportMetric(float64(st.Requests)/float64(max(st.Batches, 1)), "req/batch")
	b.ReportMetric(float64(cs.Received)/float64(max(cs.ReadCalls, 1)), "dgrams/read")
}
