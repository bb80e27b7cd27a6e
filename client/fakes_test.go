package client

import (
	"context"

	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

// fakeDEMS records who called what, and refuses or fails on cue.
type fakeDEMS struct {
	dems.EventManagement
	calls []string
	err   error // returned by every call when set
}

func (f *fakeDEMS) BookEvent(_ context.Context, c, e string, k dems.EventKind) (dems.Booking, error) {
	f.calls = append(f.calls, "book "+c+" "+e+" "+k.String())
	if f.err != nil {
		return dems.Booking{}, f.err
	}
	return dems.Booking{CustomerId: c, EventId: e, Type: k}, nil
}

func (f *fakeDEMS) AddEvent(_ context.Context, m, e string, k dems.EventKind, n int32) (dems.AddOutcome, error) {
	f.calls = append(f.calls, "add "+m+" "+e)
	return dems.AddOutcome{Slot: dems.EventSlot{EventId: e, Type: k, Capacity: n, Remaining: n}, Created: true}, f.err
}

func (f *fakeDEMS) GetBookingSchedule(_ context.Context, c string) (dems.BookingList, error) {
	f.calls = append(f.calls, "schedule "+c)
	return dems.BookingList{{CustomerId: c, EventId: "MTLA010726", Type: dems.Conferences}, {CustomerId: c, EventId: "QUEM030726", Type: dems.Seminars}}, f.err
}

// fakeJH answers orders for whoever asks.
type fakeJH struct {
	justhungry.FoodOrdering
	calls []string
}

func (f *fakeJH) PlaceOrder(_ context.Context, name, rest string, items justhungry.OrderLineList, pc, req string) (justhungry.Order, error) {
	f.calls = append(f.calls, "order "+name+" "+rest+" "+pc+" "+req)
	if pc == "ZZ99 9ZZ" {
		return justhungry.Order{}, &justhungry.OrderError{Reason: justhungry.UnknownPostcode, Message: "no such postcode"}
	}
	return justhungry.Order{Id: "ORD000001", CustomerName: name, RestaurantId: rest, Total: 1995, RequestId: req,
		Items:           []justhungry.OrderedItem{{ItemId: "R01-S1", Name: "Spring rolls", Quantity: 2, UnitPrice: 450, LineTotal: 900}},
		DeliveryAddress: justhungry.Address{Postcode: pc}}, nil
}

func (f *fakeJH) GetOrders(_ context.Context, name string) (justhungry.OrderList, error) {
	f.calls = append(f.calls, "orders "+name)
	return nil, nil
}

var transient = orb.NewSystemException(orb.TRANSIENT, 0, orb.CompletedNo, "no replica")
