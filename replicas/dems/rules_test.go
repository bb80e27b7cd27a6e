package dems

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustAdd(t *testing.T, s *State, manager, id string, k EventKind, capacity int32) {
	t.Helper()
	_, err := s.AddEvent(manager, id, k, capacity)
	require.NoError(t, err)
}

func mustBook(t *testing.T, s *State, customer, id string, k EventKind) {
	t.Helper()
	_, err := s.BookEvent(customer, id, k)
	require.NoError(t, err)
}

// base is the state every rule case starts from: a few events per city.
func base(t *testing.T) *State {
	s := NewState()
	mustAdd(t, s, "MTLM0001", "MTLA100626", Conferences, 2)
	mustAdd(t, s, "MTLM0001", "MTLM100626", Seminars, 5)
	mustAdd(t, s, "QUEM0001", "QUEE300626", Conferences, 5)
	mustAdd(t, s, "QUEM0001", "QUEM010726", Conferences, 5)
	mustAdd(t, s, "QUEM0001", "QUEA010626", Conferences, 5)
	mustAdd(t, s, "QUEM0001", "QUEA020626", Conferences, 5)
	mustAdd(t, s, "SHEM0001", "SHEM150626", Conferences, 5)
	mustAdd(t, s, "SHEM0001", "SHEE311226", TradeShows, 5)
	mustAdd(t, s, "SHEM0001", "SHEM010127", TradeShows, 5)
	mustAdd(t, s, "SHEM0001", "SHEA200626", Seminars, 1)
	return s
}

type ruleCase struct {
	name   string
	setup  func(t *testing.T, s *State) // on top of base
	run    func(s *State) (any, error)
	want   any         // the result, when reason is nil
	reason *ReasonCode // the refusal expected
}

func refused(r ReasonCode) *ReasonCode { return &r }

// runRules checks each case's result, and that a refusal leaves the state
// exactly as it was (compared by canonical snapshot).
func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base(t)
			if tc.setup != nil {
				tc.setup(t, s)
			}
			before := s.Snapshot()
			got, err := tc.run(s)
			if tc.reason != nil {
				var ee *EventError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, *tc.reason, ee.Reason, "message: %s", ee.Message)
				assert.NotEmpty(t, ee.Message)
				assert.Equal(t, before, s.Snapshot(), "a refusal must change nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestAddEvent(t *testing.T) {
	add := func(m, id string, k EventKind, c int32) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.AddEvent(m, id, k, c) }
	}
	runRules(t, []ruleCase{
		{name: "creates", run: add("MTLM0002", "MTLE110626", TradeShows, 7),
			want: AddOutcome{Slot: EventSlot{EventId: "MTLE110626", Type: TradeShows, Capacity: 7, Remaining: 7}, Created: true}},
		{name: "same id other kind is another event", run: add("MTLM0001", "MTLA100626", Seminars, 3),
			want: AddOutcome{Slot: EventSlot{EventId: "MTLA100626", Type: Seminars, Capacity: 3, Remaining: 3}, Created: true}},
		{name: "existing event gets new capacity",
			setup: func(t *testing.T, s *State) { mustBook(t, s, "MTLC0001", "MTLA100626", Conferences) },
			run:   add("MTLM0001", "MTLA100626", Conferences, 9),
			want:  AddOutcome{Slot: EventSlot{EventId: "MTLA100626", Type: Conferences, Capacity: 9, Remaining: 8}}},
		{name: "capacity down to seats booked",
			setup: func(t *testing.T, s *State) { mustBook(t, s, "MTLC0001", "MTLA100626", Conferences) },
			run:   add("MTLM0001", "MTLA100626", Conferences, 1),
			want:  AddOutcome{Slot: EventSlot{EventId: "MTLA100626", Type: Conferences, Capacity: 1, Remaining: 0}}},
		{name: "capacity below seats booked", reason: refused(CapacityBelowBookings),
			setup: func(t *testing.T, s *State) {
				mustBook(t, s, "MTLC0001", "MTLA100626", Conferences)
				mustBook(t, s, "MTLC0002", "MTLA100626", Conferences)
			},
			run: add("MTLM0001", "MTLA100626", Conferences, 1)},
		{name: "leap day exists in 2028", run: add("SHEM0001", "SHEM290228", Seminars, 1),
			want: AddOutcome{Slot: EventSlot{EventId: "SHEM290228", Type: Seminars, Capacity: 1, Remaining: 1}, Created: true}},
		{name: "zero capacity", reason: refused(InvalidCapacity), run: add("MTLM0001", "MTLE110626", Seminars, 0)},
		{name: "negative capacity", reason: refused(InvalidCapacity), run: add("MTLM0001", "MTLE110626", Seminars, -4)},
		{name: "customer id", reason: refused(NotAuthorised), run: add("MTLC0001", "MTLE110626", Seminars, 3)},
		{name: "manager of another city", reason: refused(NotAuthorised), run: add("QUEM0001", "MTLE110626", Seminars, 3)},
		{name: "manager id too short", reason: refused(InvalidId), run: add("MTLM001", "MTLE110626", Seminars, 3)},
		{name: "manager id unknown city", reason: refused(InvalidId), run: add("TORM0001", "MTLE110626", Seminars, 3)},
		{name: "manager id bad role", reason: refused(InvalidId), run: add("MTLX0001", "MTLE110626", Seminars, 3)},
		{name: "manager id lower case", reason: refused(InvalidId), run: add("mtlm0001", "MTLE110626", Seminars, 3)},
		{name: "manager id letters in number", reason: refused(InvalidId), run: add("MTLM00A1", "MTLE110626", Seminars, 3)},
		{name: "event id bad slot", reason: refused(InvalidId), run: add("MTLM0001", "MTLN110626", Seminars, 3)},
		{name: "event id unknown city", reason: refused(InvalidId), run: add("MTLM0001", "OTTE110626", Seminars, 3)},
		{name: "event id 31 April", reason: refused(InvalidId), run: add("MTLM0001", "MTLE310426", Seminars, 3)},
		{name: "event id 29 Feb in a common year", reason: refused(InvalidId), run: add("MTLM0001", "MTLE290227", Seminars, 3)},
		{name: "event id month 13", reason: refused(InvalidId), run: add("MTLM0001", "MTLE011326", Seminars, 3)},
		{name: "event id day 0", reason: refused(InvalidId), run: add("MTLM0001", "MTLE000626", Seminars, 3)},
		{name: "event id too long", reason: refused(InvalidId), run: add("MTLM0001", "MTLE1106260", Seminars, 3)},
		{name: "kind outside the enum", reason: refused(InvalidEventType), run: add("MTLM0001", "MTLE110626", EventKind(3), 3)},
	})
}

func TestBookEvent(t *testing.T) {
	book := func(c, id string, k EventKind) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.BookEvent(c, id, k) }
	}
	threeInQuebecJune := func(t *testing.T, s *State) {
		mustBook(t, s, "MTLC0001", "QUEA010626", Conferences)
		mustBook(t, s, "MTLC0001", "QUEA020626", Conferences)
		mustBook(t, s, "MTLC0001", "QUEE300626", Conferences)
	}
	runRules(t, []ruleCase{
		{name: "books", run: book("MTLC0001", "MTLA100626", Conferences),
			want: Booking{CustomerId: "MTLC0001", EventId: "MTLA100626", Type: Conferences}},
		{name: "no such event", reason: refused(NotFound), run: book("MTLC0001", "MTLE100626", Conferences)},
		{name: "event exists with another kind only", reason: refused(NotFound), run: book("MTLC0001", "MTLA100626", TradeShows)},
		{name: "full", reason: refused(Full),
			setup: func(t *testing.T, s *State) {
				mustBook(t, s, "MTLC0001", "MTLA100626", Conferences)
				mustBook(t, s, "QUEC0001", "MTLA100626", Conferences)
			},
			run: book("SHEC0001", "MTLA100626", Conferences)},
		{name: "already booked", reason: refused(AlreadyBooked),
			setup: func(t *testing.T, s *State) { mustBook(t, s, "MTLC0001", "MTLA100626", Conferences) },
			run:   book("MTLC0001", "MTLA100626", Conferences)},
		{name: "manager id refused", reason: refused(NotAuthorised), run: book("MTLM0001", "MTLA100626", Conferences)},
		{name: "bad customer id", reason: refused(InvalidId), run: book("MTLC12345", "MTLA100626", Conferences)},
		{name: "bad event id", reason: refused(InvalidId), run: book("MTLC0001", "MTLA310626", Conferences)},
		{name: "bad kind", reason: refused(InvalidEventType), run: book("MTLC0001", "MTLA100626", EventKind(7))},
		{name: "third other-city booking in a month", run: book("MTLC0001", "QUEE300626", Conferences),
			setup: func(t *testing.T, s *State) {
				mustBook(t, s, "MTLC0001", "QUEA010626", Conferences)
				mustBook(t, s, "MTLC0001", "SHEM150626", Conferences)
			},
			want: Booking{CustomerId: "MTLC0001", EventId: "QUEE300626", Type: Conferences}},
		{name: "fourth other-city booking in a month", reason: refused(OtherCityLimit),
			setup: threeInQuebecJune, run: book("MTLC0001", "SHEM150626", Conferences)},
		{name: "other cities count together", reason: refused(OtherCityLimit),
			setup: func(t *testing.T, s *State) {
				mustBook(t, s, "MTLC0001", "QUEA010626", Conferences)
				mustBook(t, s, "MTLC0001", "SHEM150626", Conferences)
				mustBook(t, s, "MTLC0001", "SHEA200626", Seminars)
			},
			run: book("MTLC0001", "QUEE300626", Conferences)},
		{name: "month boundary: 1 July after three in June", setup: threeInQuebecJune,
			run: book("MTLC0001", "QUEM010726", Conferences), want: Booking{CustomerId: "MTLC0001", EventId: "QUEM010726", Type: Conferences}},
		{name: "own city unlimited", setup: threeInQuebecJune,
			run: book("MTLC0001", "MTLA100626", Conferences), want: Booking{CustomerId: "MTLC0001", EventId: "MTLA100626", Type: Conferences}},
		{name: "home city bookings do not count for others",
			setup: func(t *testing.T, s *State) {
				mustBook(t, s, "QUEC0001", "QUEA010626", Conferences)
				mustBook(t, s, "QUEC0001", "QUEA020626", Conferences)
				mustBook(t, s, "QUEC0001", "QUEE300626", Conferences)
				mustBook(t, s, "QUEC0001", "MTLA100626", Conferences)
				mustBook(t, s, "QUEC0001", "MTLM100626", Seminars)
			},
			run: book("QUEC0001", "SHEM150626", Conferences), want: Booking{CustomerId: "QUEC0001", EventId: "SHEM150626", Type: Conferences}},
		{name: "year boundary: 1 Jan after three in December",
			setup: func(t *testing.T, s *State) {
				mustAdd(t, s, "SHEM0001", "SHEM301226", TradeShows, 5)
				mustAdd(t, s, "SHEM0001", "SHEA301226", TradeShows, 5)
				mustBook(t, s, "MTLC0001", "SHEM301226", TradeShows)
				mustBook(t, s, "MTLC0001", "SHEA301226", TradeShows)
				mustBook(t, s, "MTLC0001", "SHEE311226", TradeShows)
			},
			run: book("MTLC0001", "SHEM010127", TradeShows), want: Booking{CustomerId: "MTLC0001", EventId: "SHEM010127", Type: TradeShows}},
	})
}

func TestCancelAndSchedule(t *testing.T) {
	booked := func(t *testing.T, s *State) {
		mustBook(t, s, "MTLC0001", "SHEM150626", Conferences)
		mustBook(t, s, "MTLC0001", "MTLA100626", Conferences)
		mustBook(t, s, "MTLC0001", "MTLM100626", Seminars)
		mustBook(t, s, "MTLC0001", "QUEA020626", Conferences)
		mustBook(t, s, "MTLC0001", "QUEA010626", Conferences)
		mustBook(t, s, "QUEC0002", "QUEA010626", Conferences)
	}
	cancel := func(c, id string, k EventKind) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.CancelEvent(c, id, k) }
	}
	schedule := func(c string) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.GetBookingSchedule(c) }
	}
	runRules(t, []ruleCase{
		{name: "schedule by city then date then slot", setup: booked, run: schedule("MTLC0001"),
			want: BookingList{
				{CustomerId: "MTLC0001", EventId: "MTLM100626", Type: Seminars}, {CustomerId: "MTLC0001", EventId: "MTLA100626", Type: Conferences},
				{CustomerId: "MTLC0001", EventId: "QUEA010626", Type: Conferences}, {CustomerId: "MTLC0001", EventId: "QUEA020626", Type: Conferences},
				{CustomerId: "MTLC0001", EventId: "SHEM150626", Type: Conferences},
			}},
		{name: "empty schedule", run: schedule("SHEC0042"), want: BookingList{}},
		{name: "schedule refuses a manager id", reason: refused(NotAuthorised), run: schedule("SHEM0042")},
		{name: "schedule refuses a bad id", reason: refused(InvalidId), run: schedule("SHE")},
		{name: "cancel", setup: booked, run: cancel("MTLC0001", "QUEA010626", Conferences),
			want: Booking{CustomerId: "MTLC0001", EventId: "QUEA010626", Type: Conferences}},
		{name: "cancel frees the seat", setup: func(t *testing.T, s *State) {
			mustBook(t, s, "MTLC0001", "SHEA200626", Seminars)
			_, err := s.CancelEvent("MTLC0001", "SHEA200626", Seminars)
			require.NoError(t, err)
		}, run: func(s *State) (any, error) { return s.BookEvent("SHEC0001", "SHEA200626", Seminars) },
			want: Booking{CustomerId: "SHEC0001", EventId: "SHEA200626", Type: Seminars}},
		{name: "cancel a booking someone else holds", reason: refused(NotBooked), setup: booked,
			run: cancel("MTLC0002", "QUEA010626", Conferences)},
		{name: "cancel with the wrong kind", reason: refused(NotFound), setup: booked,
			run: cancel("MTLC0001", "QUEA010626", Seminars)},
		{name: "cancel unknown event", reason: refused(NotFound), run: cancel("MTLC0001", "QUEM050626", Seminars)},
		{name: "cancel by manager id", reason: refused(NotAuthorised), setup: booked,
			run: cancel("MTLM0001", "QUEA010626", Conferences)},
		{name: "cancel bad event id", reason: refused(InvalidId), run: cancel("MTLC0001", "QUEX010626", Conferences)},
	})
}

func TestListEventAvailability(t *testing.T) {
	list := func(m string, k EventKind) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.ListEventAvailability(m, k) }
	}
	runRules(t, []ruleCase{
		{name: "all cities, ordered, with remaining seats", run: list("SHEM0009", Conferences),
			setup: func(t *testing.T, s *State) { mustBook(t, s, "MTLC0001", "QUEA020626", Conferences) },
			want: EventSlotList{
				{EventId: "MTLA100626", Type: Conferences, Capacity: 2, Remaining: 2},
				{EventId: "QUEA010626", Type: Conferences, Capacity: 5, Remaining: 5}, {EventId: "QUEA020626", Type: Conferences, Capacity: 5, Remaining: 4},
				{EventId: "QUEE300626", Type: Conferences, Capacity: 5, Remaining: 5}, {EventId: "QUEM010726", Type: Conferences, Capacity: 5, Remaining: 5},
				{EventId: "SHEM150626", Type: Conferences, Capacity: 5, Remaining: 5},
			}},
		{name: "none of that kind", run: func(s *State) (any, error) { return NewState().ListEventAvailability("MTLM0001", Seminars) },
			want: EventSlotList{}},
		{name: "customer refused", reason: refused(NotAuthorised), run: list("MTLC0001", Conferences)},
		{name: "bad manager id", reason: refused(InvalidId), run: list("MTL", Conferences)},
		{name: "bad kind", reason: refused(InvalidEventType), run: list("MTLM0001", EventKind(3))},
	})
}

func TestSwapEvent(t *testing.T) {
	swap := func(c, nid string, nk EventKind, oid string, ok EventKind) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.SwapEvent(c, nid, nk, oid, ok) }
	}
	holdsQuebec := func(t *testing.T, s *State) {
		mustBook(t, s, "MTLC0001", "QUEA010626", Conferences)
		mustBook(t, s, "MTLC0001", "QUEA020626", Conferences)
		mustBook(t, s, "MTLC0001", "QUEE300626", Conferences)
		mustBook(t, s, "MTLC0001", "MTLA100626", Conferences)
	}
	runRules(t, []ruleCase{
		{name: "swaps", setup: holdsQuebec, run: swap("MTLC0001", "MTLM100626", Seminars, "MTLA100626", Conferences),
			want: SwapOutcome{Cancelled: Booking{CustomerId: "MTLC0001", EventId: "MTLA100626", Type: Conferences}, Booked: Booking{CustomerId: "MTLC0001", EventId: "MTLM100626", Type: Seminars}}},
		{name: "limit counted as if the old booking were cancelled", setup: holdsQuebec,
			run:  swap("MTLC0001", "SHEM150626", Conferences, "QUEA010626", Conferences),
			want: SwapOutcome{Cancelled: Booking{CustomerId: "MTLC0001", EventId: "QUEA010626", Type: Conferences}, Booked: Booking{CustomerId: "MTLC0001", EventId: "SHEM150626", Type: Conferences}}},
		{name: "swap into the last seat", setup: func(t *testing.T, s *State) {
			holdsQuebec(t, s)
			mustBook(t, s, "SHEC0001", "MTLA100626", Conferences)
		}, run: swap("SHEC0001", "SHEA200626", Seminars, "MTLA100626", Conferences),
			want: SwapOutcome{Cancelled: Booking{CustomerId: "SHEC0001", EventId: "MTLA100626", Type: Conferences}, Booked: Booking{CustomerId: "SHEC0001", EventId: "SHEA200626", Type: Seminars}}},
		{name: "still over the limit: old booking is home city", reason: refused(OtherCityLimit), setup: holdsQuebec,
			run: swap("MTLC0001", "SHEM150626", Conferences, "MTLA100626", Conferences)},
		{name: "old booking not held", reason: refused(NotBooked), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLM100626", Seminars, "SHEM150626", Conferences)},
		{name: "old event does not exist", reason: refused(NotFound), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLM100626", Seminars, "SHEM160626", Conferences)},
		{name: "new event does not exist", reason: refused(NotFound), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLE100626", Seminars, "MTLA100626", Conferences)},
		{name: "new event full", reason: refused(Full), setup: func(t *testing.T, s *State) {
			holdsQuebec(t, s)
			mustBook(t, s, "SHEC0001", "SHEA200626", Seminars)
		}, run: swap("MTLC0001", "SHEA200626", Seminars, "MTLA100626", Conferences)},
		{name: "new event already booked", reason: refused(AlreadyBooked), setup: holdsQuebec,
			run: swap("MTLC0001", "QUEA020626", Conferences, "MTLA100626", Conferences)},
		{name: "swap an event for itself", reason: refused(AlreadyBooked), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLA100626", Conferences, "MTLA100626", Conferences)},
		{name: "bad new event id", reason: refused(InvalidId), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLA320626", Conferences, "MTLA100626", Conferences)},
		{name: "bad old event id", reason: refused(InvalidId), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLM100626", Seminars, "MTL", Conferences)},
		{name: "bad new kind", reason: refused(InvalidEventType), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLM100626", EventKind(3), "MTLA100626", Conferences)},
		{name: "bad old kind", reason: refused(InvalidEventType), setup: holdsQuebec,
			run: swap("MTLC0001", "MTLM100626", Seminars, "MTLA100626", EventKind(9))},
		{name: "manager id", reason: refused(NotAuthorised), setup: holdsQuebec,
			run: swap("MTLM0001", "MTLM100626", Seminars, "MTLA100626", Conferences)},
	})
}
