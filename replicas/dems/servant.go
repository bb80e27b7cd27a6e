package dems

import (
	"context"

	idl "concord/idl/gen/dems"
)

// servant implements the generated idl.EventManagement skeleton interface
// on top of the rules. With wrong set it is the "wrong results" fault: the
// rules run exactly as usual (the state stays correct) and only the answer
// handed to the skeleton is corrupted, so the lie is still valid CDR.
type servant struct {
	s     *State
	wrong bool
}

var _ idl.EventManagement = servant{}

// answer passes a rule's outcome on, corrupted in wrong mode.
func answer[T any](a servant, v T, err error) (T, error) {
	if !a.wrong {
		return v, err
	}
	if ee, ok := err.(*EventError); ok {
		return v, corruptError(ee)
	}
	if err != nil {
		return v, err
	}
	return corrupt(v).(T), nil
}

func (a servant) AddEvent(_ context.Context, managerId, eventId string, typ EventKind, capacity int32) (AddOutcome, error) {
	v, err := a.s.AddEvent(managerId, eventId, typ, capacity)
	return answer(a, v, err)
}

func (a servant) RemoveEvent(_ context.Context, managerId, eventId string, typ EventKind) (RemovalOutcome, error) {
	v, err := a.s.RemoveEvent(managerId, eventId, typ)
	return answer(a, v, err)
}

func (a servant) ListEventAvailability(_ context.Context, managerId string, typ EventKind) (EventSlotList, error) {
	v, err := a.s.ListEventAvailability(managerId, typ)
	return answer(a, v, err)
}

func (a servant) BookEvent(_ context.Context, customerId, eventId string, typ EventKind) (Booking, error) {
	v, err := a.s.BookEvent(customerId, eventId, typ)
	return answer(a, v, err)
}

func (a servant) GetBookingSchedule(_ context.Context, customerId string) (BookingList, error) {
	v, err := a.s.GetBookingSchedule(customerId)
	return answer(a, v, err)
}

func (a servant) CancelEvent(_ context.Context, customerId, eventId string, typ EventKind) (Booking, error) {
	v, err := a.s.CancelEvent(customerId, eventId, typ)
	return answer(a, v, err)
}

func (a servant) SwapEvent(_ context.Context, customerId, newEventId string, newType EventKind, oldEventId string, oldType EventKind) (SwapOutcome, error) {
	v, err := a.s.SwapEvent(customerId, newEventId, newType, oldEventId, oldType)
	return answer(a, v, err)
}
