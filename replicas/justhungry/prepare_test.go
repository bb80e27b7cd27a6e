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
