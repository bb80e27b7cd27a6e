package justhungry

import (
	"context"

	idl "concord/idl/gen/justhungry"
)

// preparer is the FoodOrdering implementation Replica.Prepare dispatches
// to: only the operations that may look an address up run, and they stop
// at the lookup (the rules resolve after every check and before any
// change). Every other operation does nothing here, so preparing never
// changes the state; a new operation must be placed on one side or the
// other, or this stops compiling.
type preparer struct{ r *Replica }

var _ idl.FoodOrdering = preparer{}

func (p preparer) LookupAddress(_ context.Context, postcode string) (Address, error) {
	return p.r.s.LookupAddress(postcode, p.r.resolveCall)
}

func (p preparer) PlaceOrder(_ context.Context, customerName, restaurantId string, items OrderLineList, postcode, requestId string) (Order, error) {
	return p.r.s.PlaceOrder(customerName, restaurantId, items, postcode, requestId, p.r.resolveCall)
}

func (preparer) ListRestaurants(context.Context) (RestaurantList, error)    { return nil, nil }
func (preparer) GetMenu(context.Context, string) (Menu, error)              { return Menu{}, nil }
func (preparer) GetOrders(context.Context, string) (OrderList, error)       { return nil, nil }
func (preparer) CancelOrder(context.Context, string, string) (Order, error) { return Order{}, nil }
