// Package justhungry is the deterministic business logic of the Just Hungry
// food ordering service (SPEC section 4), run by the primary and the backups
// of a passively replicated group. The one non-deterministic input, the
// delivery address, comes from an AddressLookup on the primary and is handed
// to the backups as Reply.Inputs, so a backup never asks the web service.
//
// The types mirror idl/justhungry.idl one to one (members in Go CamelCase).
package justhungry

import "fmt"

// Course mirrors JustHungry::Course.
type Course uint32

const (
	Starter Course = iota
	Main
	Dessert
)

const courseCount = 3

// OrderStatus mirrors JustHungry::OrderStatus.
type OrderStatus uint32

const (
	Placed OrderStatus = iota
	Cancelled
)

// ReasonCode mirrors JustHungry::ReasonCode.
type ReasonCode uint32

const (
	UnknownRestaurant ReasonCode = iota
	UnknownItem
	OutOfStock
	UnknownPostcode
	AddressServiceUnavailable
	NotYourOrder
	UnknownOrder
	AlreadyCancelled
	InvalidQuantity
	InvalidRequest
)

const reasonCodeCount = 10

var reasonNames = [...]string{
	"UnknownRestaurant", "UnknownItem", "OutOfStock", "UnknownPostcode",
	"AddressServiceUnavailable", "NotYourOrder", "UnknownOrder",
	"AlreadyCancelled", "InvalidQuantity", "InvalidRequest",
}

func (r ReasonCode) String() string {
	if r < reasonCodeCount {
		return reasonNames[r]
	}
	return fmt.Sprintf("ReasonCode(%d)", uint32(r))
}

// OrderError mirrors the JustHungry::OrderError user exception.
type OrderError struct {
	Reason  ReasonCode
	Message string
}

func (e *OrderError) Error() string { return e.Reason.String() + ": " + e.Message }

func errorf(r ReasonCode, format string, args ...any) *OrderError {
	return &OrderError{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// MenuItem mirrors JustHungry::MenuItem; Price is in pence.
type MenuItem struct {
	Id         string
	Name       string
	MenuCourse Course
	Price      int32
	Stock      int32
}

type MenuItemList []MenuItem

// Restaurant mirrors JustHungry::Restaurant.
type Restaurant struct {
	Id      string
	Name    string
	Cuisine string
}

type RestaurantList []Restaurant

// Menu mirrors JustHungry::Menu.
type Menu struct {
	Info  Restaurant
	Items MenuItemList
}

// Address mirrors JustHungry::Address.
type Address struct {
	Postcode  string
	Line      string
	District  string
	Region    string
	Country   string
	Latitude  float64
	Longitude float64
}

// OrderLine mirrors JustHungry::OrderLine.
type OrderLine struct {
	ItemId   string
	Quantity int32
}

type OrderLineList []OrderLine

// OrderedItem mirrors JustHungry::OrderedItem.
type OrderedItem struct {
	ItemId    string
	Name      string
	Quantity  int32
	UnitPrice int32
	LineTotal int32
}

type OrderedItemList []OrderedItem

// Order mirrors JustHungry::Order.
type Order struct {
	Id              string
	CustomerName    string
	RestaurantId    string
	Items           OrderedItemList
	Total           int32
	Status          OrderStatus
	DeliveryAddress Address
	RequestId       string
}

type OrderList []Order

// Resolve turns a normalised postcode into an address. The state machine
// calls it at most once per request, after every other check has passed;
// errors must be *OrderError (UnknownPostcode or AddressServiceUnavailable).
type Resolve func(postcode string) (Address, error)
