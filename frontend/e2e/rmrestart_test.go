package e2e

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
	fe := demsStub(c)
	events, err := fe.ListEventAvailability(ctx, "QUEM0001", dems.TradeShows)
	require.NoError(t, err)
	var que []dems.EventSlot
	for _, e := range events {
		if e.EventId[:3] == "QUE" {
			que = append(que, e)
		}
	}
	require.NotEmpty(t, que)

	// Bookings go on until stopped (customer ids bound the total).
	const maxBookings, workers = 7000, 6
	var next, done atomic.Int64
	var stop atomic.Bool
	var mu sync.Mutex
	booked := map[string]string{} // customer -> event
	var failures []error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= maxBookings || stop.Load() {
					return
				}
				cust := fmt.Sprintf("QUEC%04d", 2000+i)
				ev := que[i%len(que)].EventId
				_, err := fe.BookEvent(ctx, cust, ev, dems.TradeShows)
				var ee *dems.EventError
				mu.Lock()
				switch {
				case err == nil:
					booked[cust] = ev
				case errors.As(err, &ee) && ee.Reason == dems.Full:
				default:
					failures = append(failures, fmt.Errorf("%s: %w", cust, err))
				}
				mu.Unlock()
				done.Add(1)
			}
		}()
	}
	rm13 := clustertest.RMName(13)
	require.Eventually(t, func() bool { return done.Load() >= 200 }, 60*time.Second, 10*time.Millisecond)
	c.Kill(rm13)
	// Down for longer than the sequencer waits for a silent RM, so the
	// buffer is trimmed past it: the restarted RM cannot just replay.
	time.Sleep(2 * c.Config.Timeouts.RMSilence.D())
	c.StartProcess(rm13, "rm", "--config", c.ConfigFile, "--id", "13", "--stats", "100ms")
	restartedAt := done.Load()
	// Bookings go on while it rejoins and for a while after.
	require.Eventually(t, func() bool { return c.LastStat(rm13, transfersRe) >= 1 },
		30*time.Second, 50*time.Millisecond, "rm-13 rejoined by state transfer")
	rejoinedAt := done.Load()
	require.Eventually(t, func() bool { return done.Load() >= rejoinedAt+300 || next.Load() >= maxBookings },
		30*time.Second, 10*time.Millisecond)
	stop.Store(true)
	wg.Wait()
	require.Less(t, restartedAt, int64(maxBookings), "the RM restarted while bookings were still going on")
	require.Empty(t, failures, "no client call fails while an RM host is lost and rejoins")

	// Audit: every acknowledged booking is there exactly once.
	after, err := fe.ListEventAvailability(ctx, "QUEM0001", dems.TradeShows)
	require.NoError(t, err)
	taken := map[string]int{}
	for _, ev := range booked {
		taken[ev]++
	}
	before := map[string]dems.EventSlot{}
	for _, e := range events {
		before[e.EventId] = e
	}
	for _, e := range after {
		assert.Equal(t, before[e.EventId].Remaining-int32(taken[e.EventId]), e.Remaining, "seats of %s", e.EventId)
	}
	for cust, ev := range booked {
		sch, err := fe.GetBookingSchedule(ctx, cust)
		require.NoError(t, err)
		require.Len(t, sch, 1, cust)
		assert.Equal(t, ev, sch[0].EventId)
	}

	// The restarted RM delivers in step with the others.
	first := c.LastStat(rm13, deliveredRe)
	_, err = fe.BookEvent(ctx, "QUEC0999", que[0].EventId, dems.TradeShows)
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
