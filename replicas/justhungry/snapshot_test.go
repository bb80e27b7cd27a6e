package justhungry

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func withOrders(t *testing.T) *State {
	s, f := NewSampleState(), &fakeResolve{}
	mustOrder(t, s, f, "Ada", "R02", firstLines, "req-1")
	mustOrder(t, s, f, "Bob", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 3}}, "req-2")
	_, err := s.CancelOrder("Ada", "ORD000001")
	require.NoError(t, err)
	return s
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := withOrders(t)
	b := s.Snapshot()
	r := NewState(nil)
	require.NoError(t, r.Restore(b))
	assert.Equal(t, b, r.Snapshot())
	assert.Equal(t, s.GetOrders("Ada"), r.GetOrders("Ada"))
	// The request-id index is rebuilt: a retry is still recognised.
	o, err := r.PlaceOrder("Bob", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 3}}, "SW1A 1AA", "req-2", (&fakeResolve{}).resolve)
	require.NoError(t, err)
	assert.Equal(t, "ORD000002", o.Id)
	assert.NotEqual(t, NewSampleState().Snapshot(), b)
	assert.Equal(t, NewSampleState().Snapshot(), NewSampleState().Snapshot(), "every replica starts the same")
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	good := withOrders(t).Snapshot()
	mutate := func(f func(s *State)) []byte {
		s := withOrders(t)
		f(s)
		return s.Snapshot()
	}
	tests := map[string][]byte{
		"empty":              nil,
		"wrong magic":        append([]byte("JHNX"), good[4:]...),
		"future version":     append([]byte{'J', 'H', 'N', 'G', snapVersion + 1}, good[5:]...),
		"trailing byte":      append(append([]byte{}, good...), 0),
		"repeated request":   mutate(func(s *State) { s.orders[1].RequestId = s.orders[0].RequestId }),
		"bad total":          mutate(func(s *State) { s.orders[0].Total++ }),
		"unknown restaurant": mutate(func(s *State) { s.orders[0].RestaurantId = "R77" }),
		"bad status":         mutate(func(s *State) { s.orders[0].Status = 7 }),
		"negative stock":     mutate(func(s *State) { s.restaurants[0].items[0].Stock = -1 }),
		"bad course":         mutate(func(s *State) { s.restaurants[0].items[0].MenuCourse = 3 }),
		"restaurants out of order": mutate(func(s *State) {
			s.restaurants[0], s.restaurants[1] = s.restaurants[1], s.restaurants[0]
		}),
	}
	for i := 1; i < len(good); i++ {
		tests[fmt.Sprintf("truncated at %d", i)] = good[:i]
	}
	for name, b := range tests {
		s := withOrders(t)
		before := s.Snapshot()
		require.Error(t, s.Restore(b), name)
		require.Equal(t, before, s.Snapshot(), "a refused snapshot must leave the state alone: %s", name)
	}
}
