// Package dems is the deterministic business logic of the Distributed Event
// Management System (SPEC section 3), one replica's state machine. It has no
// sockets, clocks or randomness, and never lets map order reach an output, so
// the same requests give identical results (and snapshots) on every replica.
//
// The types are the IDL compiler's (idl/gen/dems), so the rules' results go
// straight into the generated skeleton, which does all the marshalling.
package dems

import (
	"fmt"

	idl "concord/idl/gen/dems"
)

type (
	EventKind      = idl.EventKind
	ReasonCode     = idl.ReasonCode
	EventError     = idl.EventError
	EventSlot      = idl.EventSlot
	EventSlotList  = idl.EventSlotList
	Booking        = idl.Booking
	BookingList    = idl.BookingList
	AddOutcome     = idl.AddOutcome
	Move           = idl.Move
	MoveList       = idl.MoveList
	CustomerIdList = idl.CustomerIdList
	RemovalOutcome = idl.RemovalOutcome
	SwapOutcome    = idl.SwapOutcome
)

const (
	Conferences = idl.Conferences
	Seminars    = idl.Seminars
	TradeShows  = idl.TradeShows
)

const (
	InvalidId             = idl.InvalidId
	InvalidEventType      = idl.InvalidEventType
	NotAuthorised         = idl.NotAuthorised
	NotFound              = idl.NotFound
	Full                  = idl.Full
	AlreadyBooked         = idl.AlreadyBooked
	OtherCityLimit        = idl.OtherCityLimit
	NotBooked             = idl.NotBooked
	InvalidCapacity       = idl.InvalidCapacity
	CapacityBelowBookings = idl.CapacityBelowBookings
)

// Repository ids of idl/dems.idl.
const (
	RepoIDEventManagement = idl.EventManagementRepositoryID
	RepoIDEventError      = idl.EventErrorRepositoryID
)

// eventKindCount is the number of EventKind values; anything at or above it
// arrived from a buggy or hostile caller (the skeleton refuses it on the
// wire with MARSHAL, the rules refuse it for direct callers).
const eventKindCount = 3

// reasonCodeCount is the number of ReasonCode values.
const reasonCodeCount = 10

// validKind reports whether t is one of the IDL enumerators.
func validKind(t EventKind) bool { return t < eventKindCount }

func errorf(r ReasonCode, format string, args ...any) *EventError {
	return &EventError{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// EventManagement is DEMS::EventManagement without the context: what State
// implements. Errors are *EventError.
type EventManagement interface {
	AddEvent(managerId, eventId string, typ EventKind, capacity int32) (AddOutcome, error)
	RemoveEvent(managerId, eventId string, typ EventKind) (RemovalOutcome, error)
	ListEventAvailability(managerId string, typ EventKind) (EventSlotList, error)
	BookEvent(customerId, eventId string, typ EventKind) (Booking, error)
	GetBookingSchedule(customerId string) (BookingList, error)
	CancelEvent(customerId, eventId string, typ EventKind) (Booking, error)
	SwapEvent(customerId, newEventId string, newType EventKind, oldEventId string, oldType EventKind) (SwapOutcome, error)
}
