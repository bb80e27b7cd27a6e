package dems

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRemoveEventRefusals(t *testing.T) {
	remove := func(m, id string, k EventKind) func(s *State) (any, error) {
		return func(s *State) (any, error) { return s.RemoveEvent(m, id, k) }
	}
	runRules(t, []ruleCase{
		{name: "no such event", reason: refused(NotFound), run: remove("MTLM0001", "MTLE100626", Conferences)},
		{name: "wrong kind", reason: refused(NotFound), run: remove("MTLM0001", "MTLA100626", Seminars)},
		{name: "manager of another city", reason: refused(NotAuthorised), run: remove("QUEM0001", "MTLA100626", Conferences)},
		{name: "customer", reason: refused(NotAuthorised), run: remove("MTLC0001", "MTLA100626", Conferences)},
		{name: "bad event id", reason: refused(InvalidId), run: remove("MTLM0001", "MTLA100699x", Conferences)},
		{name: "bad kind", reason: refused(InvalidEventType), run: remove("MTLM0001", "MTLA100626", EventKind(3))},
		{name: "empty event", run: remove("MTLM0001", "MTLA100626", Conferences),
			want: RemovalOutcome{EventId: "MTLA100626", Type: Conferences, Moved: MoveList{}, Dropped: CustomerIdList{}}},
	})
}

// TestRemoveEventRebooking checks who goes where: customers in ascending id
// order, each to the first later event of the same kind and city with a free
// seat that they have not booked and that keeps them within the limit.
func TestRemoveEventRebooking(t *testing.T) {
	s := NewState()
	for _, e := range []struct {
		id  string
		k   EventKind
		cap int32
	}{
		{"MTLA300626", Conferences, 10}, // removed
		{"MTLM300626", Conferences, 10}, // same day, earlier slot: not later
		{"MTLM290626", Conferences, 10}, // earlier date
		{"MTLE300626", Conferences, 1},  // first later event: one seat
		{"MTLE300626", Seminars, 10},    // same id, other kind
		{"MTLM010726", Conferences, 3},  // QUEC0004 holds a seat already
		{"MTLA020726", Conferences, 1},
		{"MTLM150726", Seminars, 5},
		{"MTLA150726", Seminars, 5},
		{"MTLE150726", TradeShows, 5},
	} {
		mustAdd(t, s, "MTLM0001", e.id, e.k, e.cap)
	}
	mustAdd(t, s, "QUEM0001", "QUEM010726", Conferences, 10) // other city: never a target
	// Booked out of id order, so the ascending order must come from the rule.
	for _, c := range []string{"SHEC0007", "SHEC0003", "MTLC0001", "QUEC0004", "QUEC0002", "MTLC0005"} {
		mustBook(t, s, c, "MTLA300626", Conferences)
	}
	mustBook(t, s, "QUEC0004", "MTLM010726", Conferences)
	// QUEC0002 has its three other-city bookings for July already.
	mustBook(t, s, "QUEC0002", "MTLM150726", Seminars)
	mustBook(t, s, "QUEC0002", "MTLA150726", Seminars)
	mustBook(t, s, "QUEC0002", "MTLE150726", TradeShows)

	got, err := s.RemoveEvent("MTLM0001", "MTLA300626", Conferences)
	require.NoError(t, err)
	assert.Equal(t, RemovalOutcome{
		EventId: "MTLA300626", Type: Conferences,
		Moved: MoveList{
			{CustomerId: "MTLC0001", NewEventId: "MTLE300626"}, // first later event, now full
			{CustomerId: "MTLC0005", NewEventId: "MTLM010726"}, // next later event
			{CustomerId: "QUEC0004", NewEventId: "MTLA020726"}, // holds MTLM010726 already
			{CustomerId: "SHEC0003", NewEventId: "MTLM010726"}, // the seat QUEC0002 could not take
		},
		Dropped: CustomerIdList{
			"QUEC0002", // a free seat in July, but over the other-city limit
			"SHEC0007", // every later event is full
		},
	}, got)

	for customer, want := range map[string]BookingList{
		"MTLC0005": {{CustomerId: "MTLC0005", EventId: "MTLM010726", Type: Conferences}},
		"SHEC0007": {},
		"QUEC0002": {{CustomerId: "QUEC0002", EventId: "MTLM150726", Type: Seminars}, {CustomerId: "QUEC0002", EventId: "MTLA150726", Type: Seminars}, {CustomerId: "QUEC0002", EventId: "MTLE150726", Type: TradeShows}},
	} {
		sched, err := s.GetBookingSchedule(customer)
		require.NoError(t, err)
		assert.Equal(t, want, sched, customer)
	}
	_, err = s.BookEvent("MTLC0001", "MTLA300626", Conferences)
	var ee *EventError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, NotFound, ee.Reason, "the removed event is gone")
}
