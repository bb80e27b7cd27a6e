package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/gen/dems"
)

// bookingLoad books the events of one city from several workers, one new
// customer per booking, until stopped or out of customer ids. It keeps what
// was acknowledged so the fault tests can audit that nothing was lost or
// doubled.
type bookingLoad struct {
	fe     *dems.EventManagementStub
	ctx    context.Context
	kind   dems.EventKind
	city   string
	before []dems.EventSlot // all events of kind before the load
	slots  []dems.EventSlot // the city's events, booked in turn

	next, done atomic.Int64
	stop       atomic.Bool
	mu         sync.Mutex
	booked     map[string]string // customer -> event
	failures   []error
	wg         sync.WaitGroup
}

// startBookings starts workers booking city's events of kind for customers
// <city>C<firstCustomer>, <city>C<firstCustomer+1>, ... up to max bookings.
func startBookings(t *testing.T, ctx context.Context, fe *dems.EventManagementStub, city string,
	kind dems.EventKind, firstCustomer, max, workers int) *bookingLoad {
	t.Helper()
	l := &bookingLoad{fe: fe, ctx: ctx, kind: kind, city: city, booked: map[string]string{}}
	var err error
	l.before, err = fe.ListEventAvailability(ctx, city+"M0001", kind)
	require.NoError(t, err)
	for _, e := range l.before {
		if e.EventId[:3] == city {
			l.slots = append(l.slots, e)
		}
	}
	require.NotEmpty(t, l.slots, "events of %s", city)
	for range workers {
		l.wg.Add(1)
		go l.work(firstCustomer, max)
	}
	return l
}

func (l *bookingLoad) work(firstCustomer, max int) {
	defer l.wg.Done()
	for {
		i := int(l.next.Add(1)) - 1
		if i >= max || l.stop.Load() {
			return
		}
		cust := fmt.Sprintf("%sC%04d", l.city, firstCustomer+i)
		ev := l.slots[i%len(l.slots)].EventId
		_, err := l.fe.BookEvent(l.ctx, cust, ev, l.kind)
		var ee *dems.EventError
		l.mu.Lock()
		switch {
		case err == nil:
			l.booked[cust] = ev
		case errors.As(err, &ee) && ee.Reason == dems.Full:
		default:
			l.failures = append(l.failures, fmt.Errorf("%s: %w", cust, err))
		}
		l.mu.Unlock()
		l.done.Add(1)
	}
}

// wait waits for the workers (out of customer ids, or stopped) and requires
// that no call failed.
func (l *bookingLoad) wait(t *testing.T, why string) {
	t.Helper()
	l.wg.Wait()
	require.Empty(t, l.failures, why)
}

// audit checks that every acknowledged booking is there exactly once and
// that the seat counts agree with them.
func (l *bookingLoad) audit(t *testing.T) {
	t.Helper()
	after, err := l.fe.ListEventAvailability(l.ctx, l.city+"M0001", l.kind)
	require.NoError(t, err)
	taken := map[string]int{}
	for _, ev := range l.booked {
		taken[ev]++
	}
	before := map[string]dems.EventSlot{}
	for _, e := range l.before {
		before[e.EventId] = e
	}
	for _, e := range after {
		assert.Equal(t, before[e.EventId].Remaining-int32(taken[e.EventId]), e.Remaining, "seats of %s", e.EventId)
	}
	for cust, ev := range l.booked {
		sch, err := l.fe.GetBookingSchedule(l.ctx, cust)
		require.NoError(t, err)
		require.Len(t, sch, 1, cust)
		assert.Equal(t, ev, sch[0].EventId)
	}
}
