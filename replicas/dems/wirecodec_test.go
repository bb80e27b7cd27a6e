package dems

import (
	"fmt"

	"concord/giop/cdr"
	"concord/replicas"
)

// Client-side CDR for the tests: what a stub would write and read.

// request encodes op's arguments (strings, EventKind, int32) as a client
// with encoding enc would.
func request(enc replicas.Encoding, op string, args ...any) replicas.Request {
	e := cdr.NewEncoderAt(enc.LittleEndian, int(enc.ArgsOffset))
	for _, a := range args {
		switch v := a.(type) {
		case string:
			e.WriteString(v)
		case EventKind:
			e.WriteULong(uint32(v))
		case int32:
			e.WriteLong(v)
		default:
			panic(fmt.Sprintf("request: %T", a))
		}
	}
	return replicas.Request{Operation: op, Args: e.Bytes(), Enc: enc}
}

func replyDecoder(enc replicas.Encoding, body []byte) *cdr.Decoder {
	return cdr.NewDecoderAt(body, enc.LittleEndian, int(enc.ReplyOffset))
}

func readSlot(d *cdr.Decoder) EventSlot {
	return EventSlot{EventId: d.ReadString(), Type: EventKind(d.ReadULong()), Capacity: d.ReadLong(), Remaining: d.ReadLong()}
}

func readBooking(d *cdr.Decoder) Booking {
	return Booking{CustomerId: d.ReadString(), EventId: d.ReadString(), Type: EventKind(d.ReadULong())}
}

// decodeReply turns a reply into the Go value the rules return (or an
// *EventError), as a client would see it.
func decodeReply(enc replicas.Encoding, op string, rep replicas.Reply) (any, error) {
	d := replyDecoder(enc, rep.Body)
	switch rep.Status {
	case replicas.UserException:
		if id := d.ReadString(); id != RepoIDEventError {
			return nil, fmt.Errorf("unexpected exception %q", id)
		}
		ee := &EventError{Reason: ReasonCode(d.ReadULong()), Message: d.ReadString()}
		return nil, finish(d, ee)
	case replicas.SystemException:
		return nil, fmt.Errorf("system exception %s minor %d completed %d", d.ReadString(), d.ReadULong(), d.ReadULong())
	}
	var v any
	switch op {
	case "addEvent":
		v = AddOutcome{Slot: readSlot(d), Created: d.ReadBoolean()}
	case "removeEvent":
		o := RemovalOutcome{EventId: d.ReadString(), Type: EventKind(d.ReadULong()), Moved: MoveList{}, Dropped: CustomerIdList{}}
		for n := d.ReadSeqLen(8); n > 0; n-- {
			o.Moved = append(o.Moved, Move{CustomerId: d.ReadString(), NewEventId: d.ReadString()})
		}
		for n := d.ReadSeqLen(4); n > 0; n-- {
			o.Dropped = append(o.Dropped, d.ReadString())
		}
		v = o
	case "listEventAvailability":
		l := EventSlotList{}
		for n := d.ReadSeqLen(16); n > 0; n-- {
			l = append(l, readSlot(d))
		}
		v = l
	case "bookEvent", "cancelEvent":
		v = readBooking(d)
	case "getBookingSchedule":
		l := BookingList{}
		for n := d.ReadSeqLen(12); n > 0; n-- {
			l = append(l, readBooking(d))
		}
		v = l
	case "swapEvent":
		v = SwapOutcome{Cancelled: readBooking(d), Booked: readBooking(d)}
	default:
		return nil, fmt.Errorf("no decoder for %s", op)
	}
	return v, finish(d, nil)
}

// finish checks the body was consumed exactly; ee is returned on success.
func finish(d *cdr.Decoder, ee *EventError) error {
	if err := d.Err(); err != nil {
		return err
	}
	if d.Remaining() != 0 {
		return fmt.Errorf("%d bytes left over", d.Remaining())
	}
	if ee != nil {
		return ee
	}
	return nil
}
