package scenario

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

// fakeDEMS answers bookEvent from a table; other operations are not used.
type fakeDEMS struct {
	dems.EventManagement
	booked map[string]bool
}

func (f *fakeDEMS) BookEvent(_ context.Context, c, e string, k dems.EventKind) (dems.Booking, error) {
	if c == "down" {
		return dems.Booking{}, orb.NewSystemException(orb.TRANSIENT, 0, orb.CompletedNo, "")
	}
	if f.booked[c+e] {
		return dems.Booking{}, &dems.EventError{Reason: dems.AlreadyBooked}
	}
	f.booked[c+e] = true
	return dems.Booking{CustomerId: c, EventId: e, Type: k}, nil
}

// fakeJH places orders numbered from 1 and cancels what it is given.
type fakeJH struct {
	justhungry.FoodOrdering
	n int
}

func (f *fakeJH) PlaceOrder(_ context.Context, name, rest string, items justhungry.OrderLineList, pc, req string) (justhungry.Order, error) {
	f.n++
	return justhungry.Order{Id: "ORD" + strings.Repeat("0", f.n), CustomerName: name, RestaurantId: rest, RequestId: req}, nil
}

func (f *fakeJH) CancelOrder(_ context.Context, name, id string) (justhungry.Order, error) {
	return justhungry.Order{Id: id, CustomerName: name, Status: justhungry.Cancelled}, nil
}

func TestRunnerSteps(t *testing.T) {
	script := `DEMS bookEvent MTLC0001 MTLA010726 Conferences
DEMS bookEvent MTLC0001 MTLA010726 Conferences
DEMS bookEvent down MTLA010726 Conferences
DEMS bookEvent MTLC0001 MTLA010726 Parties
DEMS bookEvent MTLC0001
DEMS fly x
o = JustHungry placeOrder "a \"b\"" R01 [R01-S1:2,X:1] "SW1A 1AA" r1
JustHungry cancelOrder x $o.id
JustHungry cancelOrder x $p.id
JustHungry cancelOrder x $o.nope
JustHungry placeOrder a R01 [R01-S1] pc r2
`
	calls, err := Parse(strings.NewReader(script))
	require.NoError(t, err)
	r := &Runner{Services: Services{DEMS: &fakeDEMS{booked: map[string]bool{}}, JustHungry: &fakeJH{}}}
	res := r.Run(context.Background(), calls)
	want := []string{
		`DEMS.bookEvent("MTLC0001", "MTLA010726", Conferences) -> {customerId="MTLC0001", eventId="MTLA010726", type=Conferences}`,
		`DEMS.bookEvent("MTLC0001", "MTLA010726", Conferences) -> raises DEMS::EventError(reason=AlreadyBooked)`,
		`DEMS.bookEvent("down", "MTLA010726", Conferences) -> system CORBA::TRANSIENT`,
		`DEMS.bookEvent -> error line 4: Parties is not a DEMS::EventKind (Conferences, Seminars, TradeShows)`,
		`DEMS.bookEvent -> error line 5: bookEvent takes 3 arguments`,
		`DEMS.fly -> error line 6: DEMS has no operation fly`,
		`JustHungry.placeOrder("a \"b\"", "R01", [{itemId="R01-S1", quantity=2}, {itemId="X", quantity=1}], "SW1A 1AA", "r1") -> ` +
			`{id="ORD0", customerName="a \"b\"", restaurantId="R01", items=[], total=0, status=Placed, deliveryAddress={postcode="", line="", district="", region="", country="", latitude=0.000000, longitude=0.000000}, requestId="r1"}`,
		`JustHungry.cancelOrder("x", "ORD0") -> {id="ORD0", customerName="x", restaurantId="", items=[], total=0, status=Cancelled, deliveryAddress={postcode="", line="", district="", region="", country="", latitude=0.000000, longitude=0.000000}, requestId=""}`,
		`JustHungry.cancelOrder -> error line 9: $p.id: no such earlier result`,
		`JustHungry.cancelOrder -> error line 10: $o.nope: the result has no string field nope`,
		`JustHungry.placeOrder -> error line 11: order line "R01-S1": want id:qty`,
	}
	assert.Equal(t, want, res.Lines)
	assert.Equal(t, 7, res.Failed)
}
