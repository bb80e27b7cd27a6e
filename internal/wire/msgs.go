package wire

import (
	"encoding/binary"
	"net/netip"
)

// Args is an opaque CDR encapsulation fragment: the bytes plus what a decoder
// needs to read them (byte order, and the stream offset modulo 8 of Body[0]
// so that CDR alignment padding still lines up).
type Args struct {
	LittleEndian bool
	Align        uint8 // 0..7
	Body         []byte
}

func (a Args) size() int { return 1 + 1 + 4 + len(a.Body) }

func (a Args) appendTo(b []byte) []byte {
	var f byte
	if a.LittleEndian {
		f = 1
	}
	b = append(b, f, a.Align&7)
	b = binary.BigEndian.AppendUint32(b, uint32(len(a.Body)))
	return append(b, a.Body...)
}

func (r *reader) args() Args {
	f, al := r.u8(), r.u8()
	if f&^1 != 0 {
		r.fail("args flags %#x", f)
	}
	if al > 7 {
		r.fail("args alignment %d", al)
	}
	return Args{LittleEndian: f&1 == 1, Align: al, Body: r.bytes(int(r.u32()))}
}

// Request is one client call, FE -> sequencer, and again inside Sequenced.
type Request struct {
	FE        uint32 // front end id
	ID        uint64 // FE request id: unique per FE, allocated increasing
	ReplyTo   netip.AddrPort
	Service   string
	Operation string
	Args      Args
}

// Type implements Msg.
func (*Request) Type() Type { return TypeRequest }

func (q *Request) size() int {
	n := 4 + 8 + 1 + 2 + 2 + len(q.Service) + 2 + len(q.Operation) + q.Args.size()
	if q.ReplyTo.IsValid() {
		n += q.ReplyTo.Addr().BitLen() / 8
	}
	return n
}

func (q *Request) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, q.FE)
	b = binary.BigEndian.AppendUint64(b, q.ID)
	if q.ReplyTo.IsValid() {
		ip := q.ReplyTo.Addr().AsSlice()
		b = append(b, byte(len(ip)))
		b = append(b, ip...)
	} else {
		b = append(b, 0)
	}
	b = binary.BigEndian.AppendUint16(b, q.ReplyTo.Port())
	b = appendStr16(b, q.Service)
	b = appendStr16(b, q.Operation)
	return q.Args.appendTo(b)
}

func (r *reader) request() Request {
	var q Request
	q.FE = r.u32()
	q.ID = r.u64()
	alen := int(r.u8())
	var ip netip.Addr
	switch alen {
	case 0:
	case 4, 16:
		ip, _ = netip.AddrFromSlice(r.raw(alen))
	default:
		r.fail("reply address length %d", alen)
	}
	port := r.u16()
	if ip.IsValid() {
		q.ReplyTo = netip.AddrPortFrom(ip, port)
	}
	q.Service = r.str16()
	q.Operation = r.str16()
	q.Args = r.args()
	return q
}

// AckEntry tells an FE the sequence number its request got.
type AckEntry struct{ ID, Seq uint64 }

// RequestAck acknowledges (in bulk) requests of one FE, sequencer -> FE.
type RequestAck struct {
	FE   uint32
	Acks []AckEntry
}

// Type implements Msg.
func (*RequestAck) Type() Type  { return TypeRequestAck }
func (a *RequestAck) size() int { return 4 + 2 + 16*len(a.Acks) }
func (a *RequestAck) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, a.FE)
	b = binary.BigEndian.AppendUint16(b, uint16(len(a.Acks)))
	for _, e := range a.Acks {
		b = binary.BigEndian.AppendUint64(b, e.ID)
		b = binary.BigEndian.AppendUint64(b, e.Seq)
	}
	return b
}

// MaxAcksPerDatagram bounds RequestAck.Acks (the count is a uint16 and the
// datagram must fit MaxPayload).
const MaxAcksPerDatagram = (MaxPayload - 6) / 16

// Sequenced carries consecutive sequenced requests, sequencer -> RM:
// Requests[i] has sequence number First+i.
type Sequenced struct {
	First    uint64
	Requests []Request
}

// Type implements Msg.
func (*Sequenced) Type() Type { return TypeSequenced }
func (s *Sequenced) size() int {
	n := seqBatchHead
	for i := range s.Requests {
		n += seqEntryHead + s.Requests[i].size()
	}
	return n
}
func (s *Sequenced) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, s.First)
	b = binary.BigEndian.AppendUint16(b, uint16(len(s.Requests)))
	for i := range s.Requests {
		b = binary.BigEndian.AppendUint32(b, uint32(s.Requests[i].size()))
		b = s.Requests[i].appendTo(b)
	}
	return b
}

// SequencedEntrySize is what one request adds to a Sequenced datagram; the
// sequencer uses it to fill datagrams up to MaxDatagram.
func SequencedEntrySize(q *Request) int { return seqEntryHead + q.size() }

// SequencedOverhead is the size of a Sequenced datagram without entries.
const SequencedOverhead = HeaderLen + seqBatchHead + MACLen

// Range is an inclusive range of sequence numbers.
type Range struct{ From, To uint64 }

// MaxNakRanges bounds Nak.Ranges.
const MaxNakRanges = 256

// Nak asks the sequencer to resend missing sequence numbers, RM -> sequencer.
type Nak struct{ Ranges []Range }

// Type implements Msg.
func (*Nak) Type() Type  { return TypeNak }
func (n *Nak) size() int { return 2 + 16*len(n.Ranges) }
func (n *Nak) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(n.Ranges)))
	for _, r := range n.Ranges {
		b = binary.BigEndian.AppendUint64(b, r.From)
		b = binary.BigEndian.AppendUint64(b, r.To)
	}
	return b
}

// Ack reports that an RM delivered every sequence number <= Delivered.
type Ack struct{ Delivered uint64 }

// Type implements Msg.
func (*Ack) Type() Type                 { return TypeAck }
func (*Ack) size() int                  { return 8 }
func (a *Ack) appendTo(b []byte) []byte { return binary.BigEndian.AppendUint64(b, a.Delivered) }

// CatchUp tells an RM that what it asked for is no longer buffered: the
// sequencer holds Low..High only, so the RM must transfer state from a peer.
type CatchUp struct{ Low, High uint64 }

// Type implements Msg.
func (*CatchUp) Type() Type { return TypeCatchUp }
func (*CatchUp) size() int  { return 16 }
func (c *CatchUp) appendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, c.Low), c.High)
}

// Reply is one replica's answer, RM -> FE.
type Reply struct {
	Seq     uint64
	ID      uint64 // FE request id
	Replica uint32
	Body    Args // CDR reply bytes, compared byte for byte by the FE's voter
}

// Type implements Msg.
func (*Reply) Type() Type  { return TypeReply }
func (r *Reply) size() int { return 8 + 8 + 4 + r.Body.size() }
func (r *Reply) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	b = binary.BigEndian.AppendUint64(b, r.ID)
	b = binary.BigEndian.AppendUint32(b, r.Replica)
	return r.Body.appendTo(b)
}

// FaultKind says what the FE saw wrong with a replica.
type FaultKind uint8

// Fault kinds.
const (
	FaultWrong   FaultKind = 1 // answered differently from the majority
	FaultMissing FaultKind = 2 // did not answer in time
)

func (k FaultKind) String() string {
	switch k {
	case FaultWrong:
		return "wrong"
	case FaultMissing:
		return "missing"
	}
	return "unknown"
}

// FaultReport is an FE's complaint about a replica, FE -> RMs.
type FaultReport struct {
	Replica uint32
	Seq     uint64
	Kind    FaultKind
}

// Type implements Msg.
func (*FaultReport) Type() Type { return TypeFaultReport }
func (*FaultReport) size() int  { return 4 + 8 + 1 }
func (f *FaultReport) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, f.Replica)
	b = binary.BigEndian.AppendUint64(b, f.Seq)
	return append(b, byte(f.Kind))
}

// Heartbeat carries the sender's high-water sequence number (for the
// sequencer: the last number it sent), which lets RMs notice a lost tail.
type Heartbeat struct{ Seq uint64 }

// Type implements Msg.
func (*Heartbeat) Type() Type                 { return TypeHeartbeat }
func (*Heartbeat) size() int                  { return 8 }
func (h *Heartbeat) appendTo(b []byte) []byte { return binary.BigEndian.AppendUint64(b, h.Seq) }

func appendStr16(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}
