package wire

import "encoding/binary"

// State transfer, RM -> RM: a recovering RM asks its peers for their
// checkpoint at sequence Seq (StateQuery), picks a digest that enough peers
// agree on (StateOffer), and fetches the snapshot in chunks (StateFetch ->
// StateChunk). Every step is idempotent, so the asker simply repeats what
// went unanswered.

// MaxStateChunk bounds StateChunk.Data so that a chunk fits one datagram.
const MaxStateChunk = 32 << 10

// StateQuery asks for an offer of the checkpoint taken at Seq.
type StateQuery struct{ Seq uint64 }

// Type implements Msg.
func (*StateQuery) Type() Type                 { return TypeStateQuery }
func (*StateQuery) size() int                  { return 8 }
func (q *StateQuery) appendTo(b []byte) []byte { return binary.BigEndian.AppendUint64(b, q.Seq) }

// StateOffer describes a checkpoint: its sequence number, snapshot size and
// the replica's digest of it.
type StateOffer struct {
	Seq    uint64
	Size   uint32
	Digest [32]byte
}

// Type implements Msg.
func (*StateOffer) Type() Type { return TypeStateOffer }
func (*StateOffer) size() int  { return 8 + 4 + 32 }
func (o *StateOffer) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, o.Seq)
	b = binary.BigEndian.AppendUint32(b, o.Size)
	return append(b, o.Digest[:]...)
}

// StateFetch asks for the chunk of checkpoint Seq starting at Offset.
type StateFetch struct {
	Seq    uint64
	Offset uint32
}

// Type implements Msg.
func (*StateFetch) Type() Type { return TypeStateFetch }
func (*StateFetch) size() int  { return 12 }
func (f *StateFetch) appendTo(b []byte) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(b, f.Seq), f.Offset)
}

// StateChunk is Data = snapshot[Offset:Offset+len(Data)] of checkpoint Seq,
// whose snapshot is Total bytes long.
type StateChunk struct {
	Seq    uint64
	Offset uint32
	Total  uint32
	Data   []byte
}

// Type implements Msg.
func (*StateChunk) Type() Type  { return TypeStateChunk }
func (c *StateChunk) size() int { return 8 + 4 + 4 + 4 + len(c.Data) }
func (c *StateChunk) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = binary.BigEndian.AppendUint32(b, c.Offset)
	b = binary.BigEndian.AppendUint32(b, c.Total)
	return appendBytes32(b, c.Data)
}

func decodeState(t Type, r *reader) Msg {
	switch t {
	case TypeStateQuery:
		return &StateQuery{Seq: r.u64()}
	case TypeStateOffer:
		o := &StateOffer{Seq: r.u64(), Size: r.u32()}
		copy(o.Digest[:], r.raw(32))
		return o
	case TypeStateFetch:
		return &StateFetch{Seq: r.u64(), Offset: r.u32()}
	case TypeStateChunk:
		c := &StateChunk{Seq: r.u64(), Offset: r.u32(), Total: r.u32()}
		n := int(r.u32())
		if n > MaxStateChunk {
			r.fail("state chunk of %d bytes, max %d", n, MaxStateChunk)
			return c
		}
		c.Data = r.bytes(n)
		if r.err == nil && uint64(c.Offset)+uint64(len(c.Data)) > uint64(c.Total) {
			r.fail("state chunk %d+%d beyond total %d", c.Offset, len(c.Data), c.Total)
		}
		return c
	}
	return nil
}
