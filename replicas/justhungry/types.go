// Package justhungry is the deterministic business logic of the Just Hungry
// food ordering service (SPEC section 4), run by the primary and the backups
// of a passively replicated group. The one non-deterministic input, the
// delivery address, comes from an AddressLookup on the primary and is handed
// to the backups as Reply.Inputs, so a backup never asks the web service.
//
// The types are the IDL compiler's (idl/gen/justhungry), so the rules'
// results go straight into the generated skeleton, which marshals them.
package justhungry

import (
	"fmt"

	idl "concord/idl/gen/justhungry"
)

type (
	Course          = idl.Course
	OrderStatus     = idl.OrderStatus
	ReasonCode      = idl.ReasonCode
	OrderError      = idl.OrderError
	MenuItem        = idl.MenuItem
	MenuItemList    = idl.MenuItemList
	Restaurant      = idl.Restaurant
	RestaurantList  = idl.RestaurantList
	Menu            = idl.Menu
	Address         = idl.Address
	OrderLine       = idl.OrderLine
	OrderLineList   = idl.OrderLineList
	OrderedItem     = idl.OrderedItem
	OrderedItemList = idl.OrderedItemList
	Order           = idl.Order
	OrderList       = idl.OrderList
)

const (
	Starter = idl.Starter
	Main    = idl.Main
	Dessert = idl.Dessert
)

const (
	Placed    = idl.Placed
	Cancelled = idl.Cancelled
)

const (
	UnknownRestaurant         = idl.UnknownRestaurant
	UnknownItem               = idl.UnknownItem
	OutOfStock                = idl.OutOfStock
	UnknownPostcode           = idl.UnknownPostcode
	AddressServiceUnavailable = idl.AddressServiceUnavailable
	NotYourOrder              = idl.NotYourOrder
	UnknownOrder              = idl.UnknownOrder
	AlreadyCancelled          = idl.AlreadyCancelled
	InvalidQuantity           = idl.InvalidQuantity
	InvalidRequest            = idl.InvalidRequest
)

// Repository ids of idl/justhungry.idl.
const (
	RepoIDFoodOrdering = idl.FoodOrderingRepositoryID
	RepoIDOrderError   = idl.OrderErrorRepositoryID
)

// courseCount and reasonCodeCount are the numbers of enumerators.
const (
	courseCount     = 3
	reasonCodeCount = 10
)

func errorf(r ReasonCode, format string, args ...any) *OrderError {
	return &OrderError{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// Resolve turns a normalised postcode into an address. The state machine
// calls it at most once per request, after every other check has passed and
// before it changes anything (Replica.Prepare relies on that); errors must be *OrderError (UnknownPostcode or AddressServiceUnavailable).
type Resolve func(postcode string) (Address, error)
