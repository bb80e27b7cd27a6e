package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "MTLC0001", `"MTLC0001"`},
		{"empty", "", `""`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"control", "a\nb\x7f", `"a\u000ab\u007f"`},
		{"latin", "café", `"caf\u00e9"`},
		{"surrogate pair", "😀", `"\ud83d\ude00"`},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Quote(tc.in)) })
	}
}

func TestDouble(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   float64
		want string
	}{
		{"six decimals", 51.501009, "51.501009"},
		{"negative", -0.141563, "-0.141563"},
		{"padded", 1.5, "1.500000"},
		{"zero", 0, "0.000000"},
		{"round up", 0.1234567, "0.123457"},
		{"round down", 0.1234564, "0.123456"},
		// Java rounds the shortest decimal half-up; 0.0000005 is a little
		// below 5e-7 in binary, so C's printf gives 0.000000.
		{"half up on shortest digits", 0.0000005, "0.000001"},
		{"carry into integer", 9.9999996, "10.000000"},
		{"negative zero", -0.0000001, "-0.000000"},
		{"large", 1e21, "1000000000000000000000.000000"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Double(tc.in)) })
	}
}

func TestScopedName(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"user exception", "IDL:DEMS/EventError:1.0", "DEMS::EventError"},
		{"omg prefix", "IDL:omg.org/CORBA/TRANSIENT:1.0", "CORBA::TRANSIENT"},
		{"nested", "IDL:omg.org/CosNaming/NamingContext/NotFound:1.0", "CosNaming::NamingContext::NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, ScopedName(tc.in)) })
	}
}

func TestValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"enum", dems.Seminars, "Seminars"},
		{"long", int32(-7), "-7"},
		{"bool", true, "true"},
		{"struct in IDL order", dems.Booking{CustomerId: "MTLC0001", EventId: "MTLA010726", Type: dems.Conferences},
			`{customerId="MTLC0001", eventId="MTLA010726", type=Conferences}`},
		{"nested struct", dems.AddOutcome{Slot: dems.EventSlot{EventId: "E", Capacity: 2, Remaining: 1}, Created: true},
			`{slot={eventId="E", type=Conferences, capacity=2, remaining=1}, created=true}`},
		{"empty sequence", dems.BookingList(nil), "[]"},
		{"string sequence", dems.CustomerIdList{"a", "b"}, `["a", "b"]`},
		{"order lines", justhungry.OrderLineList{{ItemId: "R01-S1", Quantity: 2}}, `[{itemId="R01-S1", quantity=2}]`},
		{"double field", justhungry.Address{Latitude: 51.5, Longitude: -0.1},
			`{postcode="", line="", district="", region="", country="", latitude=51.500000, longitude=-0.100000}`},
		{"user exception", &dems.EventError{Reason: dems.Full, Message: "no seat"}, "DEMS::EventError(reason=Full)"},
		{"nil", nil, "null"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Value(tc.in)) })
	}
}

func TestOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"user exception", &justhungry.OrderError{Reason: justhungry.OutOfStock}, "raises JustHungry::OrderError(reason=OutOfStock)"},
		{"system exception", orb.NewSystemException(orb.TRANSIENT, 1, orb.CompletedNo, "down"), "system CORBA::TRANSIENT"},
		{"other error", assert.AnError, "system CORBA::UNKNOWN"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Outcome(tc.err)) })
	}
}
