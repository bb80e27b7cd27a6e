package giop

import "concord/giop/cdr"

// layout is what differs between GIOP versions: how message headers are laid
// out. GIOP 1.0 and 1.1 share one layout (1.1 adds three reserved octets to
// Request); 1.2 reorders fields, adds TargetAddress and aligns bodies to 8.
type layout interface {
	writeRequest(e *cdr.Encoder, r *Request)
	readRequest(d *cdr.Decoder) (Request, error)
	writeReply(e *cdr.Encoder, r Reply)
	readReply(d *cdr.Decoder) Reply
	writeLocateRequest(e *cdr.Encoder, r *LocateRequest)
	readLocateRequest(d *cdr.Decoder) (LocateRequest, error)
	// alignBody: 1.2 aligns a present body to 8 after the header.
	alignBody() bool
	// fragmentsCarryRequestID: 1.2 Fragment messages start with a request id.
	fragmentsCarryRequestID() bool
}

func layoutFor(v Version) layout {
	if v.Minor >= 2 {
		return layout12{}
	}
	return layout10{reserved: v.Minor == 1}
}

type layout10 struct{ reserved bool }

func (l layout10) writeRequest(e *cdr.Encoder, r *Request) {
	writeServiceContexts(e, r.ServiceContexts)
	e.WriteULong(r.RequestID)
	e.WriteBoolean(r.ResponseExpected())
	if l.reserved {
		e.WriteOctets([]byte{0, 0, 0})
	}
	e.WriteOctetSeq(r.Target.ObjectKey)
	e.WriteString(r.Operation)
	e.WriteOctetSeq(r.Principal)
}

func (l layout10) readRequest(d *cdr.Decoder) (Request, error) {
	var r Request
	r.ServiceContexts = readServiceContexts(d)
	r.RequestID = d.ReadULong()
	if d.ReadBoolean() {
		r.ResponseFlags = ResponseExpected
	}
	if l.reserved {
		d.ReadOctets(3)
	}
	r.Target = TargetAddress{Disposition: KeyAddr, ObjectKey: d.ReadOctetSeq()}
	r.Operation = d.ReadString()
	r.Principal = d.ReadOctetSeq()
	return r, d.Err()
}

func (layout10) writeReply(e *cdr.Encoder, r Reply) {
	writeServiceContexts(e, r.ServiceContexts)
	e.WriteULong(r.RequestID)
	e.WriteULong(uint32(r.Status))
}

func (layout10) readReply(d *cdr.Decoder) Reply {
	var r Reply
	r.ServiceContexts = readServiceContexts(d)
	r.RequestID = d.ReadULong()
	r.Status = ReplyStatus(d.ReadULong())
	return r
}

func (layout10) writeLocateRequest(e *cdr.Encoder, r *LocateRequest) {
	e.WriteULong(r.RequestID)
	e.WriteOctetSeq(r.Target.ObjectKey)
}

func (layout10) readLocateRequest(d *cdr.Decoder) (LocateRequest, error) {
	r := LocateRequest{RequestID: d.ReadULong()}
	r.Target = TargetAddress{Disposition: KeyAddr, ObjectKey: d.ReadOctetSeq()}
	return r, d.Err()
}

func (layout10) alignBody() bool               { return false }
func (layout10) fragmentsCarryRequestID() bool { return false }

type layout12 struct{}

func (layout12) writeRequest(e *cdr.Encoder, r *Request) {
	e.WriteULong(r.RequestID)
	e.WriteOctet(r.ResponseFlags)
	e.WriteOctets([]byte{0, 0, 0})
	writeTarget(e, &r.Target)
	e.WriteString(r.Operation)
	writeServiceContexts(e, r.ServiceContexts)
}

func (layout12) readRequest(d *cdr.Decoder) (Request, error) {
	var r Request
	r.RequestID = d.ReadULong()
	r.ResponseFlags = d.ReadOctet()
	d.ReadOctets(3)
	t, err := readTarget(d)
	if err != nil {
		return r, err
	}
	r.Target = t
	r.Operation = d.ReadString()
	r.ServiceContexts = readServiceContexts(d)
	return r, d.Err()
}

func (layout12) writeReply(e *cdr.Encoder, r Reply) {
	e.WriteULong(r.RequestID)
	e.WriteULong(uint32(r.Status))
	writeServiceContexts(e, r.ServiceContexts)
}

func (layout12) readReply(d *cdr.Decoder) Reply {
	var r Reply
	r.RequestID = d.ReadULong()
	r.Status = ReplyStatus(d.ReadULong())
	r.ServiceContexts = readServiceContexts(d)
	return r
}

func (layout12) writeLocateRequest(e *cdr.Encoder, r *LocateRequest) {
	e.WriteULong(r.RequestID)
	writeTarget(e, &r.Target)
}

func (layout12) readLocateRequest(d *cdr.Decoder) (LocateRequest, error) {
	r := LocateRequest{RequestID: d.ReadULong()}
	t, err := readTarget(d)
	r.Target = t
	return r, err
}

func (layout12) alignBody() bool               { return true }
func (layout12) fragmentsCarryRequestID() bool { return true }
