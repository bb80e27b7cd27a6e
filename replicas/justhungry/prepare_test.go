package justhungry

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/replicas"
)

// TestPrepareLooksUpOnceAndChangesNothing: a primary prepares a request
// (the lookup, recorded), then executes it replaying that record. The
// state is untouched by Prepare, the web service is called once, and the
// reply and state equal those of executing the request in one go.
func TestPrepareLooksUpOnceAndChangesNothing(t *testing.T) {
	enc := encodings[1]
	tests := []struct {
		name      string
		down      bool
		req       replicas.Request
		wantInput bool
	}{
		{"address found", false, request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1"), true},
		{"unknown postcode", false, request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 2AA", "req-1"), true},
		{"service down", true, request(enc, "placeOrder", "Ada", "R02", firstLines, "sw1a1aa", "req-1"), true},
		{"lookupAddress", false, request(enc, "lookupAddress", "SW1A 1AA"), true},
		{"malformed postcode", false, request(enc, "lookupAddress", "not a postcode"), false},
		{"refused before the lookup", false, request(enc, "placeOrder", "Ada", "R09", firstLines, "SW1A 1AA", "req-1"), false},
		{"no lookup needed", false, request(enc, "getMenu", "R01"), false},
		{"unknown operation", false, request(enc, "nosuchop"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := &webService{down: tc.down}
			primary := NewReplica(NewSampleState(), ws)
			before := primary.Digest()
			in := primary.Prepare(tc.req)
			assert.Equal(t, before, primary.Digest(), "Prepare changed the state")
			if !tc.wantInput {
				assert.Empty(t, in)
				assert.Equal(t, 0, ws.calls)
				return
			}
			require.NotEmpty(t, in)
			require.Equal(t, 1, ws.calls)

			reference := NewReplica(NewSampleState(), &webService{down: tc.down})
			want := reference.Execute(tc.req)
			req := tc.req
			req.Inputs = in
			got := primary.Execute(req)
			assert.Equal(t, 1, ws.calls, "executing a prepared request looked up again")
			assert.Equal(t, want, got)
			assert.Equal(t, reference.Digest(), primary.Digest())
		})
	}
}

// TestPrepareRetryOfAPlacedOrderNeedsNoLookup: a repeated request id is
// answered from the order book, so preparing it makes no call.
func TestPrepareRetryOfAPlacedOrderNeedsNoLookup(t *testing.T) {
	enc := encodings[0]
	ws := &webService{}
	r := NewReplica(NewSampleState(), ws)
	req := request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1")
	r.Execute(req)
	require.Equal(t, 1, ws.calls)
	assert.Empty(t, r.Prepare(req))
	assert.Equal(t, 1, ws.calls)
}

// TestPreparingEveryRequestChangesNothing runs a session of every
// operation (orders placed, retried, cancelled twice) on a primary that
// prepares each request and executes it with the prepared inputs, beside
// a reference that only executes. Preparing never moves the state, the
// replies and states stay identical, and each lookup is made once.
func TestPreparingEveryRequestChangesNothing(t *testing.T) {
	enc := encodings[2]
	session := []replicas.Request{
		request(enc, "listRestaurants"),
		request(enc, "getMenu", "R01"),
		request(enc, "lookupAddress", "M13 9PL"),
		request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1"),
		request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1"), // a retry
		request(enc, "placeOrder", "Bob", "R02", firstLines, "SW1A 2AA", "req-2"), // unknown postcode
		request(enc, "getOrders", "Ada"),
		request(enc, "cancelOrder", "Bob", "ORD000001"),
		request(enc, "cancelOrder", "Ada", "ORD000001"),
		request(enc, "cancelOrder", "Ada", "ORD000001"),
		request(enc, "getOrders", "Ada"),
		request(enc, "getMenu", "R02"),
	}
	ws := &webService{}
	primary := NewReplica(NewSampleState(), ws)
	reference := NewReplica(NewSampleState(), &webService{})
	for i, req := range session {
		before := primary.Digest()
		in := primary.Prepare(req)
		require.Equal(t, before, primary.Digest(), "step %d (%s): Prepare changed the state", i, req.Operation)
		req.Inputs = in
		calls := ws.calls
		got := primary.Execute(req)
		assert.Equal(t, calls, ws.calls, "step %d (%s): looked up again after Prepare", i, req.Operation)
		want := reference.Execute(session[i])
		require.Equal(t, want, got, "step %d (%s)", i, req.Operation)
		require.Equal(t, reference.Digest(), primary.Digest(), "step %d (%s)", i, req.Operation)
	}
	assert.Equal(t, 3, ws.calls, "M13 9PL, SW1A 1AA and SW1A 2AA, once each")
}
