package wire

import (
	"encoding/binary"
	"net/netip"
)

// Encoding says how a request's CDR arguments were encoded and how the reply
// body must be encoded (it mirrors replicas.Encoding field for field).
// Layout: flags(1: bit 0 little-endian) argsOffset(1) replyOffset(1)
// giopMinor(1) charCodeSet(4) wcharCodeSet(4).
type Encoding struct {
	LittleEndian bool
	ArgsOffset   uint8 // 0..7
	ReplyOffset  uint8 // 0..7
	GIOPMinor    uint8
	CharCodeSet  uint32
	WCharCodeSet uint32
}

const encodingLen = 12

func (e Encoding) appendTo(b []byte) []byte {
	var f byte
	if e.LittleEndian {
		f = 1
	}
	b = append(b, f, e.ArgsOffset, e.ReplyOffset, e.GIOPMinor)
	b = binary.BigEndian.AppendUint32(b, e.CharCodeSet)
	return binary.BigEndian.AppendUint32(b, e.WCharCodeSet)
}

func (r *reader) encoding() Encoding {
	f, ao, ro, minor := r.u8(), r.u8(), r.u8(), r.u8()
	if f&^1 != 0 {
		r.fail("encoding flags %#x", f)
	}
	if ao > 7 || ro > 7 {
		r.fail("encoding offsets %d/%d (0..7)", ao, ro)
	}
	return Encoding{LittleEndian: f&1 == 1, ArgsOffset: ao, ReplyOffset: ro, GIOPMinor: minor,
		CharCodeSet: r.u32(), WCharCodeSet: r.u32()}
}

// Request is one client call, FE -> sequencer, and again inside Sequenced.
// Layout: fe(4) id(8) addrLen(1: 0, 4 or 16) addr port(2) service(str16)
// operation(str16) encoding(12) args(u32 len + bytes) inputs(u32 len + bytes).
type Request struct {
	FE        uint32 // front end id
	ID        uint64 // FE request id: unique per FE, allocated increasing
	ReplyTo   netip.AddrPort
	Service   string
	Operation string
	Enc       Encoding
	Args      []byte // raw CDR arguments
	// Inputs are non-deterministic inputs obtained by a primary (passive
	// replication); empty on requests from an FE.
	Inputs []byte
}

// Type implements Msg.
func (*Request) Type() Type { return TypeRequest }

func (q *Request) size() int {
	n := 4 + 8 + 1 + 2 + 2 + len(q.Service) + 2 + len(q.Operation) + encodingLen + 4 + len(q.Args) + 4 + len(q.Inputs)
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
	b = q.Enc.appendTo(b)
	b = appendBytes32(b, q.Args)
	return appendBytes32(b, q.Inputs)
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
	} else if port != 0 {
		r.fail("reply port %d without an address", port)
	}
	q.Service = r.str16()
	q.Operation = r.str16()
	q.Enc = r.encoding()
	q.Args = r.bytes(int(r.u32()))
	q.Inputs = r.bytes(int(r.u32()))
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
// Layout: seq(8) id(8) replica(4) status(4) body(u32 len + bytes).
type Reply struct {
	Seq     uint64
	ID      uint64 // FE request id
	Replica uint32
	Status  uint32 // GIOP reply status (replicas.ReplyStatus)
	Body    []byte // CDR reply body, compared byte for byte by the FE's voter
}

// MaxReplyStatus is the highest reply status accepted (SYSTEM_EXCEPTION).
const MaxReplyStatus = 2

// Type implements Msg.
func (*Reply) Type() Type  { return TypeReply }
func (r *Reply) size() int { return 8 + 8 + 4 + 4 + 4 + len(r.Body) }
func (r *Reply) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	b = binary.BigEndian.AppendUint64(b, r.ID)
	b = binary.BigEndian.AppendUint32(b, r.Replica)
	b = binary.BigEndian.AppendUint32(b, r.Status)
	return appendBytes32(b, r.Body)
}

// FaultKind says what the FE saw wrong with a replica.
type FaultKind uint8

// Fault kinds.
const (
	FaultWrong   FaultKind = 1 // answered differently from the majority
	FaultMissing FaultKind = 2 // did not answer in time
	// FaultCleared: answered correctly again, which ends a run of wrong
	// answers (the RMs replace a replica after 3 wrong in a row).
	FaultCleared FaultKind = 3
)

func (k FaultKind) String() string {
	switch k {
	case FaultWrong:
		return "wrong"
	case FaultMissing:
		return "missing"
	case FaultCleared:
		return "cleared"
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

func appendBytes32(b, v []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}
