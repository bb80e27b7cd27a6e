package giop

import (
	"encoding/binary"

	"concord/giop/cdr"
)

// Encoding functions build a whole message in e, which the caller has reset
// with the byte order (and code sets) of the connection. They return the
// message bytes, which alias e's buffer.

func beginMessage(e *cdr.Encoder, v Version, t MsgType) {
	e.SetGIOPMinor(v.Minor)
	var h [HeaderSize]byte
	flags := uint8(0)
	if e.LittleEndian() {
		flags = FlagLittleEndian
	}
	putHeader(h[:], v, flags, t, 0)
	e.WriteOctets(h[:])
}

func finishMessage(e *cdr.Encoder) []byte {
	b := e.Bytes()
	size := uint32(len(b) - HeaderSize)
	if b[6]&FlagLittleEndian != 0 {
		binary.LittleEndian.PutUint32(b[8:], size)
	} else {
		binary.BigEndian.PutUint32(b[8:], size)
	}
	return b
}

// writeBody appends a body: in GIOP 1.2 aligned to 8, but only when the body
// is not empty (the padding is dropped again otherwise).
func writeBody(e *cdr.Encoder, l layout, body func(*cdr.Encoder)) {
	if body == nil {
		return
	}
	if !l.alignBody() {
		body(e)
		return
	}
	mark := e.Len()
	e.Align(8)
	padded := e.Len()
	body(e)
	if e.Len() == padded {
		e.Truncate(mark)
	}
}

// EncodeRequest builds a Request; args marshals the in and inout arguments.
func EncodeRequest(e *cdr.Encoder, v Version, r *Request, args func(*cdr.Encoder)) []byte {
	l := layoutFor(v)
	beginMessage(e, v, MsgRequest)
	l.writeRequest(e, r)
	writeBody(e, l, args)
	return finishMessage(e)
}

// EncodeReply builds a Reply; body marshals the result, exception or forward IOR.
func EncodeReply(e *cdr.Encoder, v Version, r *Reply, body func(*cdr.Encoder)) []byte {
	l := layoutFor(v)
	beginMessage(e, v, MsgReply)
	l.writeReply(e, *r)
	writeBody(e, l, body)
	return finishMessage(e)
}

// EncodeLocateRequest builds a LocateRequest.
func EncodeLocateRequest(e *cdr.Encoder, v Version, r *LocateRequest) []byte {
	beginMessage(e, v, MsgLocateRequest)
	layoutFor(v).writeLocateRequest(e, r)
	return finishMessage(e)
}

// EncodeLocateReply builds a LocateReply; body marshals a forward IOR or (1.2)
// a system exception, or is nil.
func EncodeLocateReply(e *cdr.Encoder, v Version, r *LocateReply, body func(*cdr.Encoder)) []byte {
	l := layoutFor(v)
	beginMessage(e, v, MsgLocateReply)
	e.WriteULong(r.RequestID)
	e.WriteULong(uint32(r.Status))
	writeBody(e, l, body)
	return finishMessage(e)
}

// EncodeCancelRequest builds a CancelRequest.
func EncodeCancelRequest(e *cdr.Encoder, v Version, requestID uint32) []byte {
	beginMessage(e, v, MsgCancelRequest)
	e.WriteULong(requestID)
	return finishMessage(e)
}

// EncodeCloseConnection builds a CloseConnection (header only).
func EncodeCloseConnection(e *cdr.Encoder, v Version) []byte {
	beginMessage(e, v, MsgCloseConnection)
	return finishMessage(e)
}

// EncodeMessageError builds a MessageError (header only).
func EncodeMessageError(e *cdr.Encoder, v Version) []byte {
	beginMessage(e, v, MsgMessageError)
	return finishMessage(e)
}

// EncodeFragment builds a Fragment carrying data; more sets the
// more-fragments flag. GIOP 1.2 fragments carry the request id.
func EncodeFragment(e *cdr.Encoder, v Version, requestID uint32, more bool, data []byte) []byte {
	beginMessage(e, v, MsgFragment)
	if more {
		e.Bytes()[6] |= FlagMoreFragments
	}
	if layoutFor(v).fragmentsCarryRequestID() {
		e.WriteULong(requestID)
	}
	e.WriteOctets(data)
	return finishMessage(e)
}

// BeginReply writes a Reply header into e (reset by the caller) and readies
// it for the body; finish with EndReply. Unlike EncodeReply it lets the body
// be written straight into e, saving a copy on the hot path.
func BeginReply(e *cdr.Encoder, v Version, r *Reply) ReplyMark {
	l := layoutFor(v)
	beginMessage(e, v, MsgReply)
	l.writeReply(e, *r)
	m := ReplyMark{mark: e.Len()}
	if l.alignBody() {
		e.Align(8)
	}
	m.padded = e.Len()
	return m
}

// ReplyMark remembers where a reply body starts.
type ReplyMark struct{ mark, padded int }

// BodyStart is the offset in the encoder where the body begins.
func (m ReplyMark) BodyStart() int { return m.padded }

// EndReply completes a reply begun with BeginReply: an empty body drops the
// alignment padding, and the header gets its size.
func EndReply(e *cdr.Encoder, m ReplyMark) []byte {
	if e.Len() == m.padded {
		e.Truncate(m.mark)
	}
	return finishMessage(e)
}
