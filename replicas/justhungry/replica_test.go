package justhungry

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/postcodes"
	"concord/postcodes/lookup"
	"concord/replicas"
)

var encodings = []replicas.Encoding{
	{LittleEndian: true, ArgsOffset: 0, ReplyOffset: 0, GIOPMinor: 2},
	{LittleEndian: false, ArgsOffset: 4, ReplyOffset: 4, GIOPMinor: 2},
	{LittleEndian: true, ArgsOffset: 5, ReplyOffset: 3, GIOPMinor: 0},
	{LittleEndian: false, ArgsOffset: 7, ReplyOffset: 1, GIOPMinor: 1},
}

// webService answers like lookup.Client: SW1A 1AA exists, other valid
// postcodes do not, and down makes it unavailable. It counts calls.
type webService struct {
	calls int
	down  bool
}

func (w *webService) Lookup(_ context.Context, pc string) (postcodes.Address, error) {
	w.calls++
	switch {
	case w.down:
		return postcodes.Address{}, &lookup.UnavailableError{Postcode: pc}
	case pc == "SW1A 1AA":
		return postcodes.NewAddress(pc, "Westminster", "London", "England", 51.501009, -0.141588), nil
	}
	return postcodes.Address{}, &lookup.UnknownError{Postcode: pc, Reason: "Postcode not found"}
}

func TestExecuteDecodesRepliesForKnownRequests(t *testing.T) {
	type step struct {
		name, op string
		args     []any
		want     any
		reason   *ReasonCode
	}
	steps := []step{
		{"restaurants", "listRestaurants", nil, NewSampleState().ListRestaurants(), nil},
		{"menu", "getMenu", []any{"R01"}, Menu{Info: sampleMenus()[0].Info, Items: sampleMenus()[0].Items}, nil},
		{"unknown menu", "getMenu", []any{"R0"}, nil, refused(UnknownRestaurant)},
		{"address", "lookupAddress", []any{"sw1a1aa"}, addrSW1A1AA, nil},
		{"place", "placeOrder", []any{"Ada", "R02", firstLines, "SW1A 1AA", "req-1"}, firstOrder, nil},
		{"retry", "placeOrder", []any{"Ada", "R02", firstLines, "SW1A 1AA", "req-1"}, firstOrder, nil},
		{"orders", "getOrders", []any{"Ada"}, OrderList{firstOrder}, nil},
		{"not yours", "cancelOrder", []any{"Bob", "ORD000001"}, nil, refused(NotYourOrder)},
		{"unknown postcode", "placeOrder", []any{"Bob", "R02", firstLines, "SW1A 2AA", "req-2"}, nil, refused(UnknownPostcode)},
	}
	for _, enc := range encodings {
		r := NewReplica(NewSampleState(), &webService{})
		for _, st := range steps {
			rep := r.Execute(request(enc, st.op, st.args...))
			got, err := decodeReply(enc, st.op, rep)
			if st.reason != nil {
				var oe *OrderError
				require.ErrorAs(t, err, &oe, "%s %+v", st.name, enc)
				assert.Equal(t, *st.reason, oe.Reason, "%s %+v", st.name, enc)
				continue
			}
			require.NoError(t, err, "%s %+v", st.name, enc)
			assert.Equal(t, st.want, got, "%s %+v", st.name, enc)
		}
	}
}

// TestBackupReplaysThePrimarysLookup: the backup gets the request with the
// primary's Reply.Inputs, never calls the web service, and ends with the
// same reply bytes and state, whatever the lookup's outcome was.
func TestBackupReplaysThePrimarysLookup(t *testing.T) {
	enc := encodings[3]
	tests := []struct {
		name      string
		down      bool
		req       replicas.Request
		wantInput bool
	}{
		{"address found", false, request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1"), true},
		{"unknown postcode", false, request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 2AA", "req-1"), true},
		{"service down", true, request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1"), true},
		{"lookupAddress", false, request(enc, "lookupAddress", "SW1A 1AA"), true},
		{"refused before the lookup", false, request(enc, "placeOrder", "Ada", "R09", firstLines, "SW1A 1AA", "req-1"), false},
		{"no lookup needed", false, request(enc, "getMenu", "R01"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := &webService{down: tc.down}
			primary := NewReplica(NewSampleState(), ws)
			forbidden := LookupFunc(func(context.Context, string) (postcodes.Address, error) {
				t.Error("a backup must not call the web service")
				return postcodes.Address{}, errors.New("no")
			})
			backup := NewReplica(NewSampleState(), forbidden)
			rep := primary.Execute(tc.req)
			if !tc.wantInput {
				assert.Empty(t, rep.Inputs)
				assert.Equal(t, 0, ws.calls)
				return
			}
			require.NotEmpty(t, rep.Inputs)
			assert.Equal(t, 1, ws.calls)
			req := tc.req
			req.Inputs = rep.Inputs
			brep := backup.Execute(req)
			assert.Equal(t, rep, brep)
			assert.Equal(t, primary.Digest(), backup.Digest())
		})
	}
}

func TestExecuteBadRequests(t *testing.T) {
	enc := encodings[2]
	good := request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1")
	otherPostcode := NewReplica(NewSampleState(), &webService{}).Execute(request(enc, "lookupAddress", "SW1A 2AA")).Inputs
	tests := []struct {
		name    string
		req     replicas.Request
		wantExc string
	}{
		{"unknown operation", replicas.Request{Operation: "placeorder", Args: good.Args, Enc: enc}, "IDL:omg.org/CORBA/BAD_OPERATION:1.0"},
		{"truncated", replicas.Request{Operation: "placeOrder", Args: good.Args[:20], Enc: enc}, "IDL:omg.org/CORBA/MARSHAL:1.0"},
		{"forged line count", replicas.Request{Operation: "placeOrder", Args: forgedLines(enc), Enc: enc}, "IDL:omg.org/CORBA/MARSHAL:1.0"},
		{"garbage inputs", replicas.Request{Operation: "placeOrder", Args: good.Args, Enc: enc, Inputs: []byte{1, 9}}, "IDL:omg.org/CORBA/INTERNAL:1.0"},
		{"inputs for another postcode", replicas.Request{Operation: "placeOrder", Args: good.Args, Enc: enc, Inputs: otherPostcode}, "IDL:omg.org/CORBA/INTERNAL:1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReplica(NewSampleState(), &webService{})
			before := r.Snapshot()
			rep := r.Execute(tc.req)
			_, err := decodeReply(enc, tc.req.Operation, rep)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "system exception "+tc.wantExc)
			assert.Equal(t, before, r.Snapshot())
			_, err = decodeReply(enc, "placeOrder", r.Execute(good))
			require.NoError(t, err, "the replica keeps serving")
		})
	}
}

func TestExecuteWrongIsWellFormedAndDifferent(t *testing.T) {
	enc := encodings[0]
	good, bad := NewReplica(NewSampleState(), &webService{}), NewReplica(NewSampleState(), &webService{})
	for _, req := range []replicas.Request{
		request(enc, "listRestaurants"),
		request(enc, "getMenu", "R03"),
		request(enc, "getOrders", "Ada"),
		request(enc, "lookupAddress", "SW1A 1AA"),
		request(enc, "placeOrder", "Ada", "R02", firstLines, "SW1A 1AA", "req-1"),
		request(enc, "getOrders", "Ada"),
		request(enc, "cancelOrder", "Ada", "ORD000001"),
		request(enc, "cancelOrder", "Ada", "ORD000001"),
	} {
		want, got := good.Execute(req), bad.ExecuteWrong(req)
		assert.NotEqual(t, want.Body, got.Body, req.Operation)
		assert.Equal(t, want.Status, got.Status, req.Operation)
		_, err := decodeReply(enc, req.Operation, got)
		if err != nil {
			var oe *OrderError
			require.ErrorAs(t, err, &oe, "a wrong reply must still decode: %s", req.Operation)
		}
		assert.Equal(t, good.Digest(), bad.Digest())
	}
}

// forgedLines claims two billion order lines in a short message.
func forgedLines(enc replicas.Encoding) []byte {
	e := cdr.NewEncoderAt(enc.LittleEndian, int(enc.ArgsOffset))
	e.WriteString("Ada")
	e.WriteString("R02")
	e.WriteULong(0x7fffffff)
	e.WriteString("SW1A 1AA")
	e.WriteString("req-1")
	return e.Bytes()
}
