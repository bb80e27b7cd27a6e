package frontend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/frontend/timeout"
	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/internal/wire"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func startFE(t *testing.T, n int) (*Server, *fakeCluster, *net.UDPConn) {
	t.Helper()
	key := wire.NewKey([]byte("test key"))
	cl := newFakeCluster(t, key, n)
	conn := listenUDP(t)
	s, err := New(Config{ID: 9, Key: key, Sequencer: addrOf(cl.seq), RMs: cl.rmAddrs(), F: 1, Logger: quiet,
		Timeout: timeout.Config{Floor: 20 * time.Millisecond, Initial: 50 * time.Millisecond, Ceiling: 200 * time.Millisecond},
		GiveUp:  400 * time.Millisecond}, conn)
	require.NoError(t, err)
	s.Start()
	t.Cleanup(func() { s.Close() })
	return s, cl, conn
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func args(s string) []byte {
	e := cdr.NewEncoder(false)
	e.WriteString(s)
	return e.Bytes()
}

type faultKey struct {
	replica uint32
	kind    wire.FaultKind
}

func TestCallVotes(t *testing.T) {
	cases := []struct {
		name   string
		behave map[uint32]string
		agreed bool
		faults []faultKey
	}{
		{"all correct", nil, true, nil},
		{"one liar", map[uint32]string{2: "wrong"}, true, []faultKey{{2, wire.FaultWrong}}},
		{"one liar and one crashed", map[uint32]string{2: "wrong", 4: "silent"}, true,
			[]faultKey{{2, wire.FaultWrong}, {4, wire.FaultMissing}}},
		{"two liars and two crashed: no agreement", map[uint32]string{1: "wrong", 2: "wrong", 3: "silent", 4: "silent"}, false,
			[]faultKey{{3, wire.FaultMissing}, {4, wire.FaultMissing}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, cl, _ := startFE(t, 4)
			for r, b := range tc.behave {
				cl.set(r, b)
			}
			start := time.Now()
			res := s.Call(ctxT(t), "svc", "upper", wire.Encoding{}, args("hello"))
			require.NoError(t, res.Err)
			require.Less(t, time.Since(start), 2*time.Second, "bounded answer time")
			require.Equal(t, tc.agreed, res.Agreed, res.Reason)
			if tc.agreed {
				d := cdr.NewDecoder(res.Body, false)
				assert.Equal(t, "HELLO", d.ReadString())
			}
			require.Eventually(t, func() bool { return len(cl.faultList()) >= len(tc.faults) }, 2*time.Second, 5*time.Millisecond)
			time.Sleep(50 * time.Millisecond) // nothing more may come
			var got []faultKey
			for _, f := range cl.faultList() {
				got = append(got, faultKey{f.Replica, f.Kind})
				assert.Equal(t, uint64(1), f.Seq, "fault names the request's sequence number")
			}
			assert.ElementsMatch(t, tc.faults, got)
			if len(tc.faults) > 0 && tc.faults[0].kind == wire.FaultWrong {
				assert.Equal(t, 1.0, testutil.ToFloat64(s.Metrics().Disagreements.WithLabelValues(fmt.Sprint(tc.faults[0].replica))))
			}
		})
	}
}

func TestManyConcurrentCalls(t *testing.T) {
	s, cl, _ := startFE(t, 4)
	cl.set(3, "wrong")
	const n = 200
	errs := make(chan error, n)
	for i := range n {
		go func() {
			want := fmt.Sprint("X", i)
			res := s.Call(ctxT(t), "svc", "upper", wire.Encoding{}, args(fmt.Sprint("x", i)))
			switch {
			case res.Err != nil:
				errs <- res.Err
			case !res.Agreed:
				errs <- errors.New(res.Reason)
			default:
				got := cdr.NewDecoder(res.Body, false).ReadString()
				if got != want {
					errs <- fmt.Errorf("got %q want %q", got, want)
				} else {
					errs <- nil
				}
			}
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, float64(n), testutil.ToFloat64(s.Metrics().Requests.WithLabelValues("svc", "ok")))
}

func TestRetransmitUntilAck(t *testing.T) {
	s, cl, _ := startFE(t, 4)
	cl.mu.Lock()
	cl.drop = 2
	cl.mu.Unlock()
	res := s.Call(ctxT(t), "svc", "upper", wire.Encoding{}, args("again"))
	require.NoError(t, res.Err)
	require.True(t, res.Agreed)
	assert.GreaterOrEqual(t, testutil.ToFloat64(s.Metrics().Retransmits), 2.0)
}

func TestGarbageKeepsServing(t *testing.T) {
	s, _, conn := startFE(t, 4)
	junk := listenUDP(t)
	defer junk.Close()
	forged, err := wire.Seal(wire.NewKey([]byte("wrong key")), wire.Packet{Msg: &wire.Reply{ID: 1}})
	require.NoError(t, err)
	for _, b := range [][]byte{[]byte("garbage"), make([]byte, 100), forged} {
		_, err := junk.WriteToUDPAddrPort(b, addrOf(conn))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		return testutil.ToFloat64(s.Metrics().Dropped.WithLabelValues("bad_mac")) == 1 &&
			testutil.ToFloat64(s.Metrics().Dropped.WithLabelValues("short"))+testutil.ToFloat64(s.Metrics().Dropped.WithLabelValues("bad_magic")) == 2
	}, 2*time.Second, 5*time.Millisecond)
	res := s.Call(ctxT(t), "svc", "upper", wire.Encoding{}, args("still"))
	require.NoError(t, res.Err)
	require.True(t, res.Agreed)
}

func TestConfigErrors(t *testing.T) {
	conn := listenUDP(t)
	defer conn.Close()
	key := wire.NewKey([]byte("k"))
	good := func() Config {
		return Config{Key: key, Sequencer: addrOf(conn), RMs: map[uint32]netip.AddrPort{1: addrOf(conn), 2: addrOf(conn), 3: addrOf(conn)}}
	}
	cases := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no key", func(c *Config) { c.Key = nil }, "key"},
		{"no sequencer", func(c *Config) { c.Sequencer = netip.AddrPort{} }, "sequencer"},
		{"no rms", func(c *Config) { c.RMs = nil }, "replica managers"},
		{"too few replicas for f", func(c *Config) { c.F = 2 }, "tolerate"},
		{"bad timeout", func(c *Config) { c.Timeout.Percentile = 2 }, "percentile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mod(&c)
			_, err := New(c, conn)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := New(good(), conn)
	require.NoError(t, err)
}

// TestGIOPEndToEnd serves the voted object over IIOP and calls it with the
// ORB client: results, user and system exceptions, and a failed vote.
func TestGIOPEndToEnd(t *testing.T) {
	s, cl, _ := startFE(t, 4)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	a := orb.NewAdapter()
	a.Register([]byte("Svc"), s.Voted("svc", []string{"IDL:test/Svc:1.0"}))
	srv := orb.NewServer(a, orb.ServerConfig{Logger: quiet})
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	cli := orb.NewClient(orb.ClientConfig{Logger: quiet})
	t.Cleanup(func() { cli.Close() })
	ref, err := cli.Object(ior.New("IDL:test/Svc:1.0", ior.Address{Host: "127.0.0.1", Port: uint16(ln.Addr().(*net.TCPAddr).Port)}, []byte("Svc")))
	require.NoError(t, err)
	arg := func(v string) func(*cdr.Encoder) { return func(e *cdr.Encoder) { e.WriteString(v) } }

	t.Run("result", func(t *testing.T) {
		var got string
		require.NoError(t, ref.Invoke(ctxT(t), "upper", arg("corba"), func(d *cdr.Decoder) error { got = d.ReadString(); return d.Err() }))
		assert.Equal(t, "CORBA", got)
	})
	t.Run("user exception", func(t *testing.T) {
		err := ref.Invoke(ctxT(t), "fail", arg("abc"), nil)
		var ue *orb.UserExceptionReply
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, "IDL:test/Oops:1.0", ue.RepoID)
		assert.Equal(t, int64(3), ue.Body.ReadLongLong())
		require.NoError(t, ue.Body.Err())
	})
	t.Run("system exception", func(t *testing.T) {
		err := ref.Invoke(ctxT(t), "refuse", arg("x"), nil)
		var se *orb.SystemException
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "BAD_PARAM", se.Name())
		assert.Equal(t, uint32(7), se.Minor)
	})
	t.Run("is_a", func(t *testing.T) {
		ok, err := ref.IsA(ctxT(t), "IDL:test/Svc:1.0")
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("no agreement is TRANSIENT, COMPLETED_MAYBE", func(t *testing.T) {
		cl.set(1, "wrong")
		cl.set(2, "wrong")
		cl.set(3, "silent")
		err := ref.Invoke(ctxT(t), "upper", arg("x"), nil)
		var se *orb.SystemException
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "TRANSIENT", se.Name())
		assert.Equal(t, orb.CompletedMaybe, se.Completed)
	})
	t.Run("metrics", func(t *testing.T) {
		rec := httptest.NewRecorder()
		s.Metrics().Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body := rec.Body.String()
		for _, m := range []string{"concord_fe_requests_total", "concord_fe_votes_total", "concord_fe_request_seconds_bucket",
			"concord_fe_crash_timeout_seconds"} {
			assert.True(t, strings.Contains(body, m), "metric %s missing", m)
		}
	})
}

// TestTimeoutAdaptsToSlowReplica: a replica that always answers after the
// initial crash timeout is reported missing at first; its late replies raise
// the adaptive timeout until it is judged in time and reports stop.
func TestTimeoutAdaptsToSlowReplica(t *testing.T) {
	s, cl, _ := startFE(t, 4)
	cl.set(4, "slow")
	for i := 0; i < 40; i++ {
		res := s.Call(ctxT(t), "svc", "upper", wire.Encoding{}, args("x"))
		require.NoError(t, res.Err)
		require.True(t, res.Agreed)
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(2 * slowDelay)
	assert.Greater(t, testutil.ToFloat64(s.Metrics().CrashTimeout), slowDelay.Seconds(), "timeout grew past the slow replica's lag")
	early := len(cl.faultList())
	assert.Positive(t, early, "the slow replica was reported at first")
	for i := 0; i < 5; i++ {
		res := s.Call(ctxT(t), "svc", "upper", wire.Encoding{}, args("y"))
		require.NoError(t, res.Err)
	}
	time.Sleep(3 * slowDelay)
	assert.Equal(t, early, len(cl.faultList()), "no more reports once the timeout adapted")
}

// TestRegister finds the DEMS object through the naming service by
// corbaloc, as a standard client would, and calls it.
func TestRegister(t *testing.T) {
	s, _, _ := startFE(t, 4)
	pb, _ := startPB(t, 1, 2, 3)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ior.Address{Host: "127.0.0.1", Port: uint16(ln.Addr().(*net.TCPAddr).Port)}
	a := orb.NewAdapter()
	refs := Register(a, addr, s, pb)
	assert.Len(t, refs, 3)
	srv := orb.NewServer(a, orb.ServerConfig{Logger: quiet})
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	cli := orb.NewClient(orb.ClientConfig{Logger: quiet})
	t.Cleanup(func() { cli.Close() })

	ns, err := cli.StringToObject(fmt.Sprintf("corbaloc:iiop:1.2@127.0.0.1:%d/NameService", addr.Port))
	require.NoError(t, err)
	for _, tc := range []struct{ name, repo string }{{KeyDEMS, RepoDEMS}, {KeyJustHungry, RepoJustHungry}} {
		t.Run(tc.name, func(t *testing.T) {
			var got *ior.IOR
			require.NoError(t, ns.Invoke(ctxT(t), "resolve_str", func(e *cdr.Encoder) { e.WriteString(tc.name) },
				func(d *cdr.Decoder) error { got, err = ior.Unmarshal(d); return err }))
			assert.Equal(t, tc.repo, got.TypeID)
			ref, err := cli.Object(got)
			require.NoError(t, err)
			ok, err := ref.IsA(ctxT(t), tc.repo)
			require.NoError(t, err)
			assert.True(t, ok)
		})
	}
	dems, err := cli.StringToObject(fmt.Sprintf("corbaloc:iiop:1.2@127.0.0.1:%d/DEMS", addr.Port))
	require.NoError(t, err)
	var up string
	require.NoError(t, dems.Invoke(ctxT(t), "upper", func(e *cdr.Encoder) { e.WriteString("via corbaloc") },
		func(d *cdr.Decoder) error { up = d.ReadString(); return d.Err() }))
	assert.Equal(t, "VIA CORBALOC", up)
}
