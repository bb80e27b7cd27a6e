package scenario

import (
	"context"

	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

// Services are the objects a scenario calls (stubs, or servants in tests).
type Services struct {
	DEMS       dems.EventManagement
	JustHungry justhungry.FoodOrdering
}

// kind is the IDL type of a parameter, which says how a token converts.
type kind int

const (
	kString     kind = iota // string: bare word, "quoted" or $NAME.field
	kLong                   // long
	kEventKind              // DEMS::EventKind label
	kOrderLines             // JustHungry::OrderLineList [id:qty,...]
)

// operation is one IDL operation: its parameter kinds in IDL order and how to
// call it with converted arguments.
type operation struct {
	params []kind
	call   func(ctx context.Context, s Services, a []any) (any, error)
}

// operations lists every operation of both services, by "Service.op".
var operations = map[string]operation{
	"DEMS.addEvent": {[]kind{kString, kString, kEventKind, kLong}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.AddEvent(ctx, a[0].(string), a[1].(string), a[2].(dems.EventKind), a[3].(int32))
	}},
	"DEMS.removeEvent": {[]kind{kString, kString, kEventKind}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.RemoveEvent(ctx, a[0].(string), a[1].(string), a[2].(dems.EventKind))
	}},
	"DEMS.listEventAvailability": {[]kind{kString, kEventKind}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.ListEventAvailability(ctx, a[0].(string), a[1].(dems.EventKind))
	}},
	"DEMS.bookEvent": {[]kind{kString, kString, kEventKind}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.BookEvent(ctx, a[0].(string), a[1].(string), a[2].(dems.EventKind))
	}},
	"DEMS.getBookingSchedule": {[]kind{kString}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.GetBookingSchedule(ctx, a[0].(string))
	}},
	"DEMS.cancelEvent": {[]kind{kString, kString, kEventKind}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.CancelEvent(ctx, a[0].(string), a[1].(string), a[2].(dems.EventKind))
	}},
	"DEMS.swapEvent": {[]kind{kString, kString, kEventKind, kString, kEventKind}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.DEMS.SwapEvent(ctx, a[0].(string), a[1].(string), a[2].(dems.EventKind), a[3].(string), a[4].(dems.EventKind))
	}},
	"JustHungry.listRestaurants": {nil, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.JustHungry.ListRestaurants(ctx)
	}},
	"JustHungry.getMenu": {[]kind{kString}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.JustHungry.GetMenu(ctx, a[0].(string))
	}},
	"JustHungry.lookupAddress": {[]kind{kString}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.JustHungry.LookupAddress(ctx, a[0].(string))
	}},
	"JustHungry.placeOrder": {[]kind{kString, kString, kOrderLines, kString, kString}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.JustHungry.PlaceOrder(ctx, a[0].(string), a[1].(string), a[2].(justhungry.OrderLineList), a[3].(string), a[4].(string))
	}},
	"JustHungry.getOrders": {[]kind{kString}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.JustHungry.GetOrders(ctx, a[0].(string))
	}},
	"JustHungry.cancelOrder": {[]kind{kString, kString}, func(ctx context.Context, s Services, a []any) (any, error) {
		return s.JustHungry.CancelOrder(ctx, a[0].(string), a[1].(string))
	}},
}
