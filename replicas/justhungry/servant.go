package justhungry

import (
	"context"

	"concord/giop/orb"
	idl "concord/idl/gen/justhungry"
)

// servant implements the generated idl.FoodOrdering skeleton interface on
// top of the rules, resolving addresses through the Replica's request in
// progress (a fresh lookup on the primary, the recorded one on a backup).
// With wrong set it is the "wrong results" fault: the rules run as usual
// and only the answer handed to the skeleton is corrupted.
type servant struct {
	r     *Replica
	wrong bool
}

var _ idl.FoodOrdering = servant{}

// answer passes a rule's outcome on, corrupted in wrong mode. An error
// that is not an OrderError can only be unreadable recorded inputs, found
// before any change: INTERNAL, COMPLETED_NO.
func answer[T any](a servant, v T, err error) (T, error) {
	if err != nil {
		oe, ok := err.(*OrderError)
		if !ok {
			return v, orb.NewSystemException(orb.INTERNAL, 0, orb.CompletedNo, err.Error())
		}
		if a.wrong {
			oe = &OrderError{Reason: (oe.Reason + 1) % reasonCodeCount, Message: oe.Message}
		}
		return v, oe
	}
	if a.wrong {
		return corrupt(v).(T), nil
	}
	return v, nil
}

func (a servant) ListRestaurants(context.Context) (RestaurantList, error) {
	return answer(a, a.r.s.ListRestaurants(), nil)
}

func (a servant) GetMenu(_ context.Context, restaurantId string) (Menu, error) {
	v, err := a.r.s.GetMenu(restaurantId)
	return answer(a, v, err)
}

func (a servant) LookupAddress(_ context.Context, postcode string) (Address, error) {
	v, err := a.r.s.LookupAddress(postcode, a.r.resolveCall)
	return answer(a, v, err)
}

func (a servant) PlaceOrder(_ context.Context, customerName, restaurantId string, items OrderLineList, postcode, requestId string) (Order, error) {
	v, err := a.r.s.PlaceOrder(customerName, restaurantId, items, postcode, requestId, a.r.resolveCall)
	return answer(a, v, err)
}

func (a servant) GetOrders(_ context.Context, customerName string) (OrderList, error) {
	return answer(a, a.r.s.GetOrders(customerName), nil)
}

func (a servant) CancelOrder(_ context.Context, customerName, orderId string) (Order, error) {
	v, err := a.r.s.CancelOrder(customerName, orderId)
	return answer(a, v, err)
}
