package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/ior"
	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/internal/clustertest"
	rdems "concord/replicas/dems"
	"concord/replicas/serve"
)

func demsStub(c *clustertest.Cluster) *dems.EventManagementStub {
	return dems.NewEventManagementStub(c.Object("DEMS"))
}

// directDEMS serves one unreplicated DEMS replica over GIOP: the answer the
// replicated service must give.
func directDEMS(t testing.TB) *dems.EventManagementStub {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	a := orb.NewAdapter()
	a.Register([]byte("DEMS"), serve.NewServant(rdems.NewService(), dems.EventManagementRepositoryID))
	srv := orb.NewServer(a, orb.ServerConfig{})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c := orb.NewClient(orb.ClientConfig{})
	t.Cleanup(func() { c.Close() })
	ref, err := c.Object(ior.New(dems.EventManagementRepositoryID,
		ior.Address{Host: "127.0.0.1", Port: uint16(ln.Addr().(*net.TCPAddr).Port)}, []byte("DEMS")))
	require.NoError(t, err)
	return dems.NewEventManagementStub(ref)
}

// demsScript is every DEMS operation, refusals included; each step returns
// a printable outcome.
func demsScript(ctx context.Context, d *dems.EventManagementStub) []string {
	out := func(v any, err error) string {
		var ee *dems.EventError
		if errors.As(err, &ee) {
			return fmt.Sprintf("EventError %v: %s", ee.Reason, ee.Message)
		}
		if err != nil {
			return "error " + err.Error()
		}
		return fmt.Sprintf("%+v", v)
	}
	var s []string
	add := func(v any, err error) { s = append(s, out(v, err)) }
	add(d.AddEvent(ctx, "MTLM0001", "MTLE250626", dems.Seminars, 2))
	add(d.AddEvent(ctx, "MTLM0001", "QUEE250626", dems.Seminars, 2)) // other city's manager
	add(d.AddEvent(ctx, "MTLC0001", "MTLE250626", dems.Seminars, 2)) // a customer
	add(d.AddEvent(ctx, "MTLM0001", "MTLE310626", dems.Seminars, 2)) // 31 June
	add(d.AddEvent(ctx, "MTLM0001", "MTLE260626", dems.Seminars, 0))
	add(d.BookEvent(ctx, "MTLC0001", "MTLE250626", dems.Seminars))
	add(d.BookEvent(ctx, "MTLC0002", "MTLE250626", dems.Seminars))
	add(d.BookEvent(ctx, "MTLC0003", "MTLE250626", dems.Seminars))   // full
	add(d.BookEvent(ctx, "MTLC0001", "MTLE250626", dems.Seminars))   // already booked
	add(d.BookEvent(ctx, "MTLC0001", "MTLE990626", dems.Seminars))   // invalid
	add(d.AddEvent(ctx, "MTLM0001", "MTLE250626", dems.Seminars, 1)) // below bookings
	add(d.AddEvent(ctx, "MTLM0001", "MTLM260626", dems.Seminars, 3))
	for i, e := range []string{"QUEM010626", "QUEA020626", "SHEE030626", "QUEE040626"} {
		add(d.BookEvent(ctx, fmt.Sprintf("MTLC%04d", 10), e, dems.Conferences)) // 4th other-city booking refused
		_ = i
	}
	add(d.GetBookingSchedule(ctx, "MTLC0010"))
	add(d.CancelEvent(ctx, "MTLC0010", "QUEM010626", dems.Conferences))
	add(d.CancelEvent(ctx, "MTLC0010", "QUEM010626", dems.Conferences)) // not booked
	add(d.SwapEvent(ctx, "MTLC0001", "MTLM260626", dems.Seminars, "MTLE250626", dems.Seminars))
	add(d.SwapEvent(ctx, "MTLC0001", "MTLM260626", dems.Seminars, "MTLE250626", dems.Seminars)) // old not held
	add(d.RemoveEvent(ctx, "MTLM0001", "MTLM260626", dems.Seminars))
	add(d.ListEventAvailability(ctx, "MTLM0001", dems.Seminars))
	add(d.GetBookingSchedule(ctx, "MTLC0001"))
	return s
}

func TestEveryDEMSOperationThroughTheFrontEndMatchesTheReplicaLogic(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	want := demsScript(ctx, directDEMS(t))
	got := demsScript(ctx, demsStub(c))
	require.Equal(t, len(want), len(got))
	for i := range want {
		assert.Equal(t, want[i], got[i], "step %d", i)
	}
}

func TestLyingReplicaIsOutvotedAndReplaced(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{RMArgs: map[uint32][]string{12: {"--fault", "wrong"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	direct := directDEMS(t)
	fe := demsStub(c)
	for i := range 6 {
		cust := fmt.Sprintf("MTLC%04d", 100+i)
		want, werr := direct.BookEvent(ctx, cust, "MTLA030626", dems.Conferences)
		got, gerr := fe.BookEvent(ctx, cust, "MTLA030626", dems.Conferences)
		require.Equal(t, fmt.Sprint(want, werr), fmt.Sprint(got, gerr), "booking %d", i)
	}
	require.Eventually(t, func() bool { return c.LastStat("rm-11", clustertest.ReplacementsRe) >= 1 },
		15*time.Second, 100*time.Millisecond, "the RMs replace the lying replica after 3 wrong answers")
	require.Eventually(t, func() bool { return c.LastStat("rm-12", clustertest.RestartsRe) >= 1 },
		15*time.Second, 100*time.Millisecond, "rm-12 restarted its replica")
}

// TestSlowMajorityStillAnswers: three of the four replicas answer later
// than the crash timeout (slow, not crashed). Calls take longer but get the
// right answer; the crash timeout only reports the slow replicas.
func TestSlowMajorityStillAnswers(t *testing.T) {
	slow := []string{"--fault", "slow:500ms"} // > the initial 200 ms crash timeout
	c := clustertest.Start(t, clustertest.Options{RMArgs: map[uint32][]string{12: slow, 13: slow, 14: slow}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	direct := directDEMS(t)
	fe := demsStub(c)
	for i := range 3 {
		cust := fmt.Sprintf("MTLC%04d", 300+i)
		want, werr := direct.BookEvent(ctx, cust, "MTLA030626", dems.Conferences)
		start := time.Now()
		got, gerr := fe.BookEvent(ctx, cust, "MTLA030626", dems.Conferences)
		require.Equal(t, fmt.Sprint(want, werr), fmt.Sprint(got, gerr), "booking %d", i)
		if i == 0 {
			require.Greater(t, time.Since(start), 400*time.Millisecond, "the answer waited for the slow replicas")
		}
	}
}

func TestKilledReplicaDuringBookingsLosesNothing(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	load := startBookings(t, ctx, demsStub(c), "MTL", dems.Conferences, 1000, 1000, 8)
	require.Eventually(t, func() bool { return load.done.Load() >= 300 }, 60*time.Second, 10*time.Millisecond)
	c.KillReplica("rm-13")
	load.wait(t, "no client call fails while one replica is down")
	load.audit(t)
	require.Eventually(t, func() bool { return c.LastStat("rm-13", clustertest.RestartsRe) >= 1 },
		15*time.Second, 100*time.Millisecond, "the killed replica was restarted")
}
