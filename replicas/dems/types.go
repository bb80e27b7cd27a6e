// Package dems is the deterministic business logic of the Distributed Event
// Management System (SPEC section 3), one replica's state machine. It has no
// sockets, clocks or randomness, and never lets map order reach an output, so
// the same requests give identical results (and snapshots) on every replica.
//
// The types mirror idl/dems.idl one to one (same names, members in Go
// CamelCase) so the adapter to the generated skeleton is a field copy.
package dems

import "fmt"

// EventKind mirrors DEMS::EventKind.
type EventKind uint32

const (
	Conferences EventKind = iota
	Seminars
	TradeShows
)

// eventKindCount is the number of EventKind values; anything at or above it
// arrived from a buggy or hostile client.
const eventKindCount = 3

var eventKindNames = [...]string{"Conferences", "Seminars", "TradeShows"}

func (t EventKind) String() string {
	if t < eventKindCount {
		return eventKindNames[t]
	}
	return fmt.Sprintf("EventKind(%d)", uint32(t))
}

// Valid reports whether t is one of the IDL enumerators.
func (t EventKind) Valid() bool { return t < eventKindCount }

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
	Type      EventKind
	Capacity  int32
	Remaining int32
}

// EventSlotList mirrors DEMS::EventSlotList.
type EventSlotList []EventSlot

// Booking mirrors DEMS::Booking.
type Booking struct {
	CustomerId string
	EventId    string
	Type       EventKind
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
	Type    EventKind
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
	AddEvent(managerId, eventId string, typ EventKind, capacity int32) (AddOutcome, error)
	RemoveEvent(managerId, eventId string, typ EventKind) (RemovalOutcome, error)
	ListEventAvailability(managerId string, typ EventKind) (EventSlotList, error)
	BookEvent(customerId, eventId string, typ EventKind) (Booking, error)
	GetBookingSchedule(customerId string) (BookingList, error)
	CancelEvent(customerId, eventId string, typ EventKind) (Booking, error)
	SwapEvent(customerId, newEventId string, newType EventKind, oldEventId string, oldType EventKind) (SwapOutcome, error)
}
