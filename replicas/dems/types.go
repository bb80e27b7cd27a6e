// Package dems is the deterministic business logic of the Distributed Event
// Management System (SPEC section 3), one replica's state machine. It has no
// sockets, clocks or randomness, and never lets map order reach an output, so
// the same requests give identical results (and snapshots) on every replica.
//
// The types mirror idl/dems.idl one to one (same names, members in Go
// CamelCase) so the adapter to the generated skeleton is a field copy.
package dems

import "fmt"

// EventType mirrors DEMS::EventType.
type EventType uint32

const (
	Conferences EventType = iota
	Seminars
	TradeShows
)

// eventTypeCount is the number of EventType values; anything at or above it
// arrived from a buggy or hostile client.
const eventTypeCount = 3

var eventTypeNames = [...]string{"Conferences", "Seminars", "TradeShows"}

func (t EventType) String() string {
	if t < eventTypeCount {
		return eventTypeNames[t]
	}
	return fmt.Sprintf("EventType(%d)", uint32(t))
}

// Valid reports whether t is one of the IDL enumerators.
func (t EventType) Valid() bool { return t < eventTypeCount }

// ReasonCode mirrors DEMS::ReasonCode.
type ReasonCode uint32

const (
	InvalidId ReasonCode = iota
	InvalidEventType
	NotAuthorised
	NotFound
	Full
	AlreadyBooked
	OtherCityLimit
	NotBooked
	InvalidCapacity
	CapacityBelowBookings
)

// reasonCodeCount is the number of ReasonCode values.
const reasonCodeCount = 10

var reasonNames = [...]string{
	"InvalidId", "InvalidEventType", "NotAuthorised", "NotFound", "Full",
	"AlreadyBooked", "OtherCityLimit", "NotBooked", "InvalidCapacity",
	"CapacityBelowBookings",
}

func (r ReasonCode) String() string {
	if r < reasonCodeCount {
		return reasonNames[r]
	}
	return fmt.Sprintf("ReasonCode(%d)", uint32(r))
}

// EventError mirrors the DEMS::EventError user exception.
type EventError struct {
	Reason  ReasonCode
	Message string
}

func (e *EventError) Error() string { return e.Reason.String() + ": " + e.Message }

func errorf(r ReasonCode, format string, args ...any) *EventError {
	return &EventError{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// EventSlot mirrors DEMS::EventSlot.
type EventSlot struct {
	EventId   string
	Type      EventType
	Capacity  int32
	Remaining int32
}

// EventSlotList mirrors DEMS::EventSlotList.
type EventSlotList []EventSlot

// Booking mirrors DEMS::Booking.
type Booking struct {
	CustomerId string
	EventId    string
	Type       EventType
}

// BookingList mirrors DEMS::BookingList.
type BookingList []Booking

// AddOutcome mirrors DEMS::AddOutcome.
type AddOutcome struct {
	Slot    EventSlot
	Created bool
}

// Move mirrors DEMS::Move.
type Move struct {
	CustomerId string
	NewEventId string
}

// MoveList mirrors DEMS::MoveList.
type MoveList []Move

// CustomerIdList mirrors DEMS::CustomerIdList.
type CustomerIdList []string

// RemovalOutcome mirrors DEMS::RemovalOutcome.
type RemovalOutcome struct {
	EventId string
	Type    EventType
	Moved   MoveList
	Dropped CustomerIdList
}

// SwapOutcome mirrors DEMS::SwapOutcome.
type SwapOutcome struct {
	Cancelled Booking
	Booked    Booking
}

// EventManagement mirrors the DEMS::EventManagement interface: what the
// servant adapter calls. Errors are *EventError.
type EventManagement interface {
	AddEvent(managerId, eventId string, typ EventType, capacity int32) (AddOutcome, error)
	RemoveEvent(managerId, eventId string, typ EventType) (RemovalOutcome, error)
	ListEventAvailability(managerId string, typ EventType) (EventSlotList, error)
	BookEvent(customerId, eventId string, typ EventType) (Booking, error)
	GetBookingSchedule(customerId string) (BookingList, error)
	CancelEvent(customerId, eventId string, typ EventType) (Booking, error)
	SwapEvent(customerId, newEventId string, newType EventType, oldEventId string, oldType EventType) (SwapOutcome, error)
}
