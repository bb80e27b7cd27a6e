package dems

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"concord/replicas"
	"concord/replicas/internal/refmodel"
)

// gen draws requests from a small id space so that collisions (same event,
// full events, the other-city limit across a month boundary) are common.
type gen struct{ r *rand.Rand }

func (g gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g gen) user(role byte) string {
	if g.r.IntN(30) == 0 {
		return g.pick("MTLX0001", "MTL", "QUEC00011", "TORC0001")
	}
	if g.r.IntN(20) == 0 { // the other role
		role = 'C' + 'M' - role
	}
	return fmt.Sprintf("%s%c000%d", g.pick("MTL", "QUE", "SHE"), role, 1+g.r.IntN(3))
}

func (g gen) event(city string) string {
	if g.r.IntN(30) == 0 {
		return g.pick("MTLA310626", "QUEX010726", "SHE")
	}
	if city == "" || g.r.IntN(4) == 0 {
		city = g.pick("MTL", "QUE", "SHE")
	}
	return city + g.pick("M", "A", "E") + g.pick("290626", "300626", "010726", "020726")
}

func (g gen) kind() EventKind {
	if g.r.IntN(40) == 0 {
		return 3
	}
	return EventKind(g.r.IntN(3))
}

// next returns a request's operation and arguments.
func (g gen) next() (string, []any) {
	switch n := g.r.IntN(100); {
	case n < 25:
		m := g.user('M')
		return "addEvent", []any{m, g.event(m[:3]), g.kind(), int32(g.r.IntN(4))}
	case n < 30:
		m := g.user('M')
		return "removeEvent", []any{m, g.event(m[:3]), g.kind()}
	case n < 35:
		return "listEventAvailability", []any{g.user('M'), g.kind()}
	case n < 70:
		return "bookEvent", []any{g.user('C'), g.event(""), g.kind()}
	case n < 78:
		return "getBookingSchedule", []any{g.user('C')}
	case n < 88:
		return "cancelEvent", []any{g.user('C'), g.event(""), g.kind()}
	default:
		return "swapEvent", []any{g.user('C'), g.event(""), g.kind(), g.event(""), g.kind()}
	}
}

func (g gen) encoding() replicas.Encoding {
	off := uint8(g.r.IntN(8))
	return replicas.Encoding{LittleEndian: g.r.IntN(2) == 0, ArgsOffset: off, ReplyOffset: uint8(g.r.IntN(8)), GIOPMinor: uint8(g.r.IntN(3))}
}

// model runs a request on the reference model and returns what the real
// service's decoded reply must equal.
func model(m *refmodel.DEMS, op string, a []any) (any, *ReasonCode) {
	s := func(i int) string { return a[i].(string) }
	k := func(i int) int { return int(a[i].(EventKind)) }
	var v any
	var why string
	switch op {
	case "addEvent":
		sl, created, r := m.Add(s(0), s(1), k(2), int(a[3].(int32)))
		v, why = AddOutcome{Slot: slot(sl), Created: created}, r
	case "removeEvent":
		rm, r := m.Remove(s(0), s(1), k(2))
		out := RemovalOutcome{EventId: rm.ID, Type: EventKind(rm.Kind), Moved: MoveList{}, Dropped: CustomerIdList{}}
		for _, mv := range rm.Moved {
			out.Moved = append(out.Moved, Move{CustomerId: mv.Customer, NewEventId: mv.To})
		}
		out.Dropped = append(out.Dropped, rm.Dropped...)
		v, why = out, r
	case "listEventAvailability":
		l, r := m.List(s(0), k(1))
		out := EventSlotList{}
		for _, sl := range l {
			out = append(out, slot(sl))
		}
		v, why = out, r
	case "bookEvent":
		b, r := m.Book(s(0), s(1), k(2))
		v, why = booking(b), r
	case "getBookingSchedule":
		l, r := m.Schedule(s(0))
		out := BookingList{}
		for _, b := range l {
			out = append(out, booking(b))
		}
		v, why = out, r
	case "cancelEvent":
		b, r := m.Cancel(s(0), s(1), k(2))
		v, why = booking(b), r
	case "swapEvent":
		c, b, r := m.Swap(s(0), s(1), k(2), s(3), k(4))
		v, why = SwapOutcome{Cancelled: booking(c), Booked: booking(b)}, r
	}
	if why == "" {
		return v, nil
	}
	for rc := ReasonCode(0); rc < reasonCodeCount; rc++ {
		if rc.String() == why {
			return nil, &rc
		}
	}
	panic("model gave unknown reason " + why)
}

// badKind reports whether a request carries an event type outside the enum.
func badKind(args []any) bool {
	for _, a := range args {
		if k, ok := a.(EventKind); ok && k >= eventKindCount {
			return true
		}
	}
	return false
}

func slot(s refmodel.Slot) EventSlot {
	return EventSlot{EventId: s.ID, Type: EventKind(s.Kind), Capacity: int32(s.Cap), Remaining: int32(s.Rem)}
}

func booking(b refmodel.Booking) Booking {
	return Booking{CustomerId: b.Customer, EventId: b.ID, Type: EventKind(b.Kind)}
}

// TestReplicasAgreeWithEachOtherAndTheModel: random request sequences give
// byte-identical replies and digests on two replicas and on a third
// restored from the first's snapshot half way, and every decoded reply
// matches the reference model.
func TestReplicasAgreeWithEachOtherAndTheModel(t *testing.T) {
	seeds, steps := 150, 400
	if testing.Short() {
		seeds = 20
	}
	for seed := 1; seed <= seeds; seed++ {
		g := gen{rand.New(rand.NewPCG(uint64(seed), 4))}
		a, b := NewReplica(NewState()), NewReplica(NewState())
		var c *Replica
		m := &refmodel.DEMS{}
		refusals := 0
		for i := 0; i < steps; i++ {
			if i == steps/2 {
				c = NewReplica(NewState())
				require.NoError(t, c.Restore(a.Snapshot()))
			}
			op, args := g.next()
			enc := g.encoding()
			req := request(enc, op, args...)
			ra, rb := a.Execute(req), b.Execute(req)
			require.Equal(t, ra, rb, "seed %d step %d %s%v", seed, i, op, args)
			if c != nil {
				require.Equal(t, ra, c.Execute(req), "restored replica, seed %d step %d", seed, i)
			}
			got, err := decodeReply(enc, op, ra)
			want, why := model(m, op, args)
			if badKind(args) {
				// The skeleton refuses an out-of-enum value with MARSHAL
				// before the rules run; the model refuses it too.
				require.NotNil(t, why, "seed %d step %d %s%v: the model accepts a bad kind", seed, i, op, args)
				require.ErrorContains(t, err, "system exception IDL:omg.org/CORBA/MARSHAL:1.0", "seed %d step %d %s%v", seed, i, op, args)
				refusals++
				continue
			}
			if why != nil {
				refusals++
				var ee *EventError
				require.ErrorAs(t, err, &ee, "seed %d step %d %s%v: model refuses %v", seed, i, op, args, *why)
				require.Equal(t, *why, ee.Reason, "seed %d step %d %s%v: %s", seed, i, op, args, ee.Message)
				continue
			}
			require.NoError(t, err, "seed %d step %d %s%v", seed, i, op, args)
			require.Equal(t, want, got, "seed %d step %d %s%v", seed, i, op, args)
		}
		require.Equal(t, a.Digest(), b.Digest())
		require.Equal(t, a.Digest(), c.Digest())
		require.Less(t, refusals, steps*9/10, "the generator must also produce successes")
	}
}
