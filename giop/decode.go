package giop

import (
	"fmt"

	"concord/giop/cdr"
)

// Message is one complete GIOP message: fragments already reassembled, so
// Header.Size is len(Body) and the more-fragments flag is clear.
type Message struct {
	Header Header
	Body   []byte // everything after the 12-octet header
}

// Decoder returns a CDR decoder over the body, aligned from the message start.
func (m *Message) Decoder(cs cdr.CodeSets) *cdr.Decoder {
	d := cdr.NewDecoderAt(m.Body, m.Header.LittleEndian(), HeaderSize)
	d.SetGIOPMinor(m.Header.Version.Minor)
	d.SetCodeSets(cs)
	return d
}

// HeaderError is a message whose header fields do not decode. RequestID is
// set when it could be read, so a server can still answer that request.
type HeaderError struct {
	Type      MsgType
	RequestID uint32
	HaveID    bool
	Err       error
}

func (e *HeaderError) Error() string { return fmt.Sprintf("giop: bad %v header: %v", e.Type, e.Err) }
func (e *HeaderError) Unwrap() error { return e.Err }

func headerError(m *Message, d *cdr.Decoder, id uint32, err error) error {
	return &HeaderError{Type: m.Header.Type, RequestID: id, HaveID: d.Pos() > HeaderSize+3, Err: err}
}

func (m *Message) check(t MsgType) {
	if m.Header.Type != t {
		panic(fmt.Sprintf("giop: parsing a %v as a %v", m.Header.Type, t))
	}
}

// skipBodyAlignment positions d at the body: in GIOP 1.2 aligned to 8 when
// any bytes follow the header.
func skipBodyAlignment(d *cdr.Decoder, l layout) {
	if l.alignBody() && d.Remaining() > 0 {
		d.Align(8)
	}
}

// ParseRequest decodes a Request header and returns a decoder at its arguments.
func ParseRequest(m *Message, cs cdr.CodeSets) (*Request, *cdr.Decoder, error) {
	r, d := new(Request), new(cdr.Decoder)
	if err := ParseRequestInto(m, cs, r, d); err != nil {
		return r, nil, err
	}
	return r, d, nil
}

// ParseRequestInto is ParseRequest into storage of the caller's, which a
// server reading many requests in turn can reuse. On error, r holds what
// decoded (the request id, if HeaderError.HaveID says so).
func ParseRequestInto(m *Message, cs cdr.CodeSets, r *Request, d *cdr.Decoder) error {
	m.check(MsgRequest)
	d.Reset(m.Body, m.Header.LittleEndian(), HeaderSize)
	d.SetGIOPMinor(m.Header.Version.Minor)
	d.SetCodeSets(cs)
	l := layoutFor(m.Header.Version)
	var err error
	*r, err = l.readRequest(d)
	if err != nil {
		return headerError(m, d, r.RequestID, err)
	}
	skipBodyAlignment(d, l)
	return nil
}

// ParseReply decodes a Reply header and returns a decoder at its body.
func ParseReply(m *Message, cs cdr.CodeSets) (*Reply, *cdr.Decoder, error) {
	m.check(MsgReply)
	d := m.Decoder(cs)
	l := layoutFor(m.Header.Version)
	r := l.readReply(d)
	if err := d.Err(); err != nil {
		return &r, nil, headerError(m, d, r.RequestID, err)
	}
	if r.Status > NeedsAddressingMode || (m.Header.Version.Minor < 2 && r.Status > maxReplyStatusGIOP10) {
		return &r, nil, headerError(m, d, r.RequestID, cdr.MarshalError("reply status %d in GIOP %s", r.Status, m.Header.Version))
	}
	skipBodyAlignment(d, l)
	return &r, d, nil
}

// ParseLocateRequest decodes a LocateRequest.
func ParseLocateRequest(m *Message) (*LocateRequest, error) {
	m.check(MsgLocateRequest)
	d := m.Decoder(cdr.CodeSets{})
	r, err := layoutFor(m.Header.Version).readLocateRequest(d)
	if err != nil {
		return &r, headerError(m, d, r.RequestID, err)
	}
	return &r, nil
}

// ParseLocateReply decodes a LocateReply and returns a decoder at its body.
func ParseLocateReply(m *Message) (*LocateReply, *cdr.Decoder, error) {
	m.check(MsgLocateReply)
	d := m.Decoder(cdr.CodeSets{})
	r := LocateReply{RequestID: d.ReadULong(), Status: LocateStatus(d.ReadULong())}
	if err := d.Err(); err != nil {
		return &r, nil, headerError(m, d, r.RequestID, err)
	}
	if r.Status > LocNeedsAddressingMode || (m.Header.Version.Minor < 2 && r.Status > ObjectForward) {
		return &r, nil, headerError(m, d, r.RequestID, cdr.MarshalError("locate status %d in GIOP %s", r.Status, m.Header.Version))
	}
	skipBodyAlignment(d, layoutFor(m.Header.Version))
	return &r, d, nil
}

// ParseCancelRequest returns the request id a CancelRequest cancels.
func ParseCancelRequest(m *Message) (uint32, error) {
	m.check(MsgCancelRequest)
	d := m.Decoder(cdr.CodeSets{})
	id := d.ReadULong()
	if err := d.Err(); err != nil {
		return 0, headerError(m, d, 0, err)
	}
	return id, nil
}
