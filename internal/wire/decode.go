package wire

import (
	"encoding/binary"
	"fmt"
)

// reader walks a payload; the first failure sticks and later reads return zeros,
// so decoders read straight through and check r.err once.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &Error{Reason: ReasonMalformed, Detail: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) left() int { return len(r.b) - r.off }

// raw returns the next n bytes, aliasing the payload (Open owns a private copy).
func (r *reader) raw(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.left() {
		r.fail("field of %d bytes at offset %d overruns the %d-byte payload", n, r.off, len(r.b))
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

func (r *reader) bytes(n int) []byte {
	v := r.raw(n)
	if len(v) == 0 {
		return nil
	}
	return v
}

func (r *reader) u8() uint8 {
	if v := r.raw(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if v := r.raw(2); v != nil {
		return binary.BigEndian.Uint16(v)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.raw(4); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if v := r.raw(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (r *reader) str16() string { return string(r.raw(int(r.u16()))) }

// need checks that count items of at least min bytes each can still be
// present, before a slice for them is allocated.
func (r *reader) need(count, min int) bool {
	if r.err != nil {
		return false
	}
	if count*min > r.left() {
		r.fail("%d items need at least %d bytes, %d left", count, count*min, r.left())
		return false
	}
	return true
}

// minRequestLen is the encoded size of an empty request.
const minRequestLen = 4 + 8 + 1 + 2 + 2 + 2 + encodingLen + 4 + 4

// decode parses a payload. It copies the payload once and lets the message's
// byte slices alias that copy.
func decode(t Type, payload []byte) (Msg, error) {
	r := &reader{b: append([]byte(nil), payload...)}
	var m Msg
	switch t {
	case TypeRequest:
		if len(payload) > MaxRequestLen {
			return nil, errf(ReasonTooLarge, "request of %d bytes, max %d", len(payload), MaxRequestLen)
		}
		q := r.request()
		m = &q
	case TypeRequestAck:
		a := &RequestAck{FE: r.u32()}
		n := int(r.u16())
		if r.need(n, 16) {
			a.Acks = make([]AckEntry, n)
			for i := range a.Acks {
				a.Acks[i] = AckEntry{ID: r.u64(), Seq: r.u64()}
			}
		}
		m = a
	case TypeSequenced:
		m = decodeSequenced(r)
	case TypeNak:
		n := &Nak{}
		c := int(r.u16())
		if c == 0 || c > MaxNakRanges {
			r.fail("nak with %d ranges (1..%d)", c, MaxNakRanges)
		}
		if r.need(c, 16) {
			n.Ranges = make([]Range, c)
			for i := range n.Ranges {
				n.Ranges[i] = Range{From: r.u64(), To: r.u64()}
				if n.Ranges[i].From == 0 || n.Ranges[i].From > n.Ranges[i].To {
					r.fail("nak range %d..%d", n.Ranges[i].From, n.Ranges[i].To)
				}
			}
		}
		m = n
	case TypeAck:
		m = &Ack{Delivered: r.u64()}
	case TypeCatchUp:
		c := &CatchUp{Low: r.u64(), High: r.u64()}
		if r.err == nil && c.Low > c.High+1 {
			r.fail("catch-up low %d > high+1 %d", c.Low, c.High+1)
		}
		m = c
	case TypeReply:
		rp := &Reply{Seq: r.u64(), ID: r.u64(), Replica: r.u32(), Status: r.u32()}
		if r.err == nil && rp.Status > MaxReplyStatus {
			r.fail("reply status %d", rp.Status)
		}
		rp.Body = r.bytes(int(r.u32()))
		m = rp
	case TypeFaultReport:
		f := &FaultReport{Replica: r.u32(), Seq: r.u64(), Kind: FaultKind(r.u8())}
		if r.err == nil && (f.Kind < FaultWrong || f.Kind > FaultCleared) {
			r.fail("fault kind %d", f.Kind)
		}
		m = f
	case TypeHeartbeat:
		m = &Heartbeat{Seq: r.u64()}
	case TypeStateQuery, TypeStateOffer, TypeStateFetch, TypeStateChunk:
		m = decodeState(t, r)
	case TypePBUpdate, TypePBAck, TypePrimaryQuery, TypePrimary:
		m = decodePB(t, r)
	case TypeFaultCtl, TypeFaultCtlAck:
		m = decodeFaultCtl(t, r)
	case TypePBInputs, TypePBInputsAck:
		m = decodePBInputs(t, r)
	default:
		return nil, errf(ReasonType, "type %d", t)
	}
	if r.err == nil && r.left() != 0 {
		r.fail("%d trailing bytes after %s", r.left(), t)
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}

func decodeSequenced(r *reader) *Sequenced {
	s := &Sequenced{First: r.u64()}
	n := int(r.u16())
	if s.First == 0 || s.First+uint64(n) < s.First {
		r.fail("sequenced batch first=%d count=%d", s.First, n)
	}
	if r.need(n, seqEntryHead+minRequestLen) {
		s.Requests = make([]Request, n)
		for i := range s.Requests {
			sub := &reader{b: r.raw(int(r.u32()))}
			if r.err != nil {
				break
			}
			s.Requests[i] = sub.request()
			if sub.err == nil && sub.left() != 0 {
				sub.fail("%d trailing bytes in entry %d", sub.left(), i)
			}
			if sub.err != nil {
				r.err = sub.err
				break
			}
		}
	}
	return s
}
