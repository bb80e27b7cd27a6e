package dems

import "concord/giop/cdr"

// Hand-written CDR marshalling of idl/dems.idl, member by member in IDL
// order, until the generated package idl/gen/dems replaces it.

// Repository ids of idl/dems.idl.
const (
	RepoIDEventManagement = "IDL:DEMS/EventManagement:1.0"
	RepoIDEventError      = "IDL:DEMS/EventError:1.0"
)

// RepositoryID makes *EventError an orb.UserException.
func (e *EventError) RepositoryID() string { return RepoIDEventError }

// MarshalCDR writes the exception's members (the ORB writes the id).
func (e *EventError) MarshalCDR(enc *cdr.Encoder) {
	enc.WriteULong(uint32(e.Reason))
	enc.WriteString(e.Message)
}

// marshaler is a result that can write itself as an operation's reply.
type marshaler interface{ marshalCDR(e *cdr.Encoder) }

func (v EventSlot) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.EventId)
	e.WriteULong(uint32(v.Type))
	e.WriteLong(v.Capacity)
	e.WriteLong(v.Remaining)
}

func (v EventSlotList) marshalCDR(e *cdr.Encoder) {
	e.WriteULong(uint32(len(v)))
	for _, s := range v {
		s.marshalCDR(e)
	}
}

func (v Booking) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.CustomerId)
	e.WriteString(v.EventId)
	e.WriteULong(uint32(v.Type))
}

func (v BookingList) marshalCDR(e *cdr.Encoder) {
	e.WriteULong(uint32(len(v)))
	for _, b := range v {
		b.marshalCDR(e)
	}
}

func (v AddOutcome) marshalCDR(e *cdr.Encoder) {
	v.Slot.marshalCDR(e)
	e.WriteBoolean(v.Created)
}

func (v RemovalOutcome) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.EventId)
	e.WriteULong(uint32(v.Type))
	e.WriteULong(uint32(len(v.Moved)))
	for _, m := range v.Moved {
		e.WriteString(m.CustomerId)
		e.WriteString(m.NewEventId)
	}
	e.WriteULong(uint32(len(v.Dropped)))
	for _, c := range v.Dropped {
		e.WriteString(c)
	}
}

func (v SwapOutcome) marshalCDR(e *cdr.Encoder) {
	v.Cancelled.marshalCDR(e)
	v.Booked.marshalCDR(e)
}

// call is one decoded invocation, ready to run against a State.
type call func(s *State) (marshaler, error)

// decodeCall reads op's in-arguments. It returns nil for an unknown op;
// decoding errors are left in d.
func decodeCall(op string, d *cdr.Decoder) call {
	switch op {
	case "addEvent":
		m, id, k, c := d.ReadString(), d.ReadString(), EventKind(d.ReadULong()), d.ReadLong()
		return func(s *State) (marshaler, error) { return s.AddEvent(m, id, k, c) }
	case "removeEvent":
		m, id, k := d.ReadString(), d.ReadString(), EventKind(d.ReadULong())
		return func(s *State) (marshaler, error) { return s.RemoveEvent(m, id, k) }
	case "listEventAvailability":
		m, k := d.ReadString(), EventKind(d.ReadULong())
		return func(s *State) (marshaler, error) { return s.ListEventAvailability(m, k) }
	case "bookEvent":
		c, id, k := d.ReadString(), d.ReadString(), EventKind(d.ReadULong())
		return func(s *State) (marshaler, error) { return s.BookEvent(c, id, k) }
	case "getBookingSchedule":
		c := d.ReadString()
		return func(s *State) (marshaler, error) { return s.GetBookingSchedule(c) }
	case "cancelEvent":
		c, id, k := d.ReadString(), d.ReadString(), EventKind(d.ReadULong())
		return func(s *State) (marshaler, error) { return s.CancelEvent(c, id, k) }
	case "swapEvent":
		c, nid, nk, oid, ok := d.ReadString(), d.ReadString(), EventKind(d.ReadULong()), d.ReadString(), EventKind(d.ReadULong())
		return func(s *State) (marshaler, error) { return s.SwapEvent(c, nid, nk, oid, ok) }
	}
	return nil
}
