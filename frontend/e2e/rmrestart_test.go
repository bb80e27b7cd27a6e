package e2e

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/idl/gen/dems"
	"concord/internal/clustertest"
)

// deliveredRe is the RM's own Delivered counter (the first one in a stats
// line; the hold-back queue's copy follows it).
var deliveredRe = regexp.MustCompile(`Delivered:(\d+)`)
var transfersRe = regexp.MustCompile(`Transfers:(\d+)`)

// TestRestartedRMRejoinsByStateTransfer loses a whole replica host (kill -9
// of rm-13, which also ends its replica) during bookings and starts the RM
// again: it must rejoin by state transfer and deliver in order again, while
// no client call fails and no booking is lost or doubled.
func TestRestartedRMRejoinsByStateTransfer(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Bookings go on until stopped (customer ids bound the total).
	const maxBookings = 7000
	load := startBookings(t, ctx, demsStub(c), "QUE", dems.TradeShows, 2000, maxBookings, 6)
	rm13 := clustertest.RMName(13)
	require.Eventually(t, func() bool { return load.done.Load() >= 200 }, 60*time.Second, 10*time.Millisecond)
	c.Kill(rm13)
	// Down for longer than the sequencer waits for a silent RM, so the
	// buffer is trimmed past it: the restarted RM cannot just replay.
	time.Sleep(2 * c.Config.Timeouts.RMSilence.D())
	c.StartProcess(rm13, "rm", "--config", c.ConfigFile, "--id", "13", "--stats", "100ms")
	restartedAt := load.done.Load()
	// Bookings go on while it rejoins and for a while after.
	require.Eventually(t, func() bool { return c.LastStat(rm13, transfersRe) >= 1 },
		30*time.Second, 50*time.Millisecond, "rm-13 rejoined by state transfer")
	rejoinedAt := load.done.Load()
	require.Eventually(t, func() bool { return load.done.Load() >= rejoinedAt+300 || load.next.Load() >= maxBookings },
		30*time.Second, 10*time.Millisecond)
	load.stop.Store(true)
	load.wait(t, "no client call fails while an RM host is lost and rejoins")
	require.Less(t, restartedAt, int64(maxBookings), "the RM restarted while bookings were still going on")
	load.audit(t)

	// The restarted RM delivers in step with the others.
	first := c.LastStat(rm13, deliveredRe)
	_, err := load.fe.BookEvent(ctx, "QUEC0999", load.slots[0].EventId, dems.TradeShows)
	var ee *dems.EventError
	if err != nil && !(errors.As(err, &ee) && ee.Reason == dems.Full) {
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		d13 := c.LastStat(rm13, deliveredRe)
		return d13 > first && d13 == c.LastStat(clustertest.RMName(11), deliveredRe)
	}, 15*time.Second, 100*time.Millisecond, "rm-13 delivers again and has delivered what rm-11 has (%s)",
		strconv.Itoa(first))
}
