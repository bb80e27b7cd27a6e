package wire

import "encoding/binary"

// Primary-backup (passive replication, Just Hungry). Views number the
// primaries: in view v the primary is member v mod n of the group's fixed
// order, so a takeover needs no election, only agreement on the view.

// PBUpdate carries requests the primary executed, with their
// non-deterministic Inputs, primary -> backups: Requests[i] is update
// First+i of View. Layout: view(8) then the Sequenced layout.
type PBUpdate struct {
	View  uint64
	First uint64
	// Requests are the executed requests; Inputs filled in.
	Requests []Request
}

// Type implements Msg.
func (*PBUpdate) Type() Type { return TypePBUpdate }
func (u *PBUpdate) size() int {
	s := Sequenced{First: u.First, Requests: u.Requests}
	return 8 + s.size()
}
func (u *PBUpdate) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, u.View)
	s := Sequenced{First: u.First, Requests: u.Requests}
	return s.appendTo(b)
}

// PBAck tells the primary that a backup applied every update <= Applied of
// View, backup -> primary (also the backup's keep-alive).
type PBAck struct{ View, Applied uint64 }

// Type implements Msg.
func (*PBAck) Type() Type { return TypePBAck }
func (*PBAck) size() int  { return 16 }
func (a *PBAck) appendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, a.View), a.Applied)
}

// PrimaryQuery asks an RM who the primary is, FE -> RMs. A non-zero Suspect
// says that the asker believes Suspect, primary of View, is dead: the RMs
// then move to view View+1.
type PrimaryQuery struct {
	View    uint64
	Suspect uint32
}

// Type implements Msg.
func (*PrimaryQuery) Type() Type { return TypePrimaryQuery }
func (*PrimaryQuery) size() int  { return 12 }
func (q *PrimaryQuery) appendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(b, q.View), q.Suspect)
}

// Primary announces the primary of View, RM -> FE (answering a query, or
// redirecting a request sent to a backup).
type Primary struct {
	View    uint64
	Primary uint32
}

// Type implements Msg.
func (*Primary) Type() Type { return TypePrimary }
func (*Primary) size() int  { return 12 }
func (p *Primary) appendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(b, p.View), p.Primary)
}

func decodePB(t Type, r *reader) Msg {
	switch t {
	case TypePBUpdate:
		u := &PBUpdate{View: r.u64()}
		s := decodeSequenced(r)
		u.First, u.Requests = s.First, s.Requests
		return u
	case TypePBAck:
		return &PBAck{View: r.u64(), Applied: r.u64()}
	case TypePrimaryQuery:
		return &PrimaryQuery{View: r.u64(), Suspect: r.u32()}
	case TypePrimary:
		return &Primary{View: r.u64(), Primary: r.u32()}
	}
	return nil
}
