package wire

import "encoding/binary"

// Recorded inputs (primary-backup): before the primary executes a request
// that needed a non-deterministic input (a looked-up address), every live
// backup records that input, so a new primary replays it instead of
// obtaining it again.

// Recorded-input message types (after the fault-control ones).
const (
	TypePBInputs    Type = 20 // primary -> backups
	TypePBInputsAck Type = 21 // backup -> primary
)

// MaxInputs bounds the recorded inputs of one request.
const MaxInputs = 4096

// PBInputs asks a backup to record Inputs for request (FE, ID) of View.
// Layout: view(8) fe(4) id(8) inputs(bytes32, 1..MaxInputs).
type PBInputs struct {
	View   uint64
	FE     uint32
	ID     uint64
	Inputs []byte
}

// Type implements Msg.
func (*PBInputs) Type() Type  { return TypePBInputs }
func (m *PBInputs) size() int { return 8 + 4 + 8 + 4 + len(m.Inputs) }
func (m *PBInputs) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, m.View)
	b = binary.BigEndian.AppendUint32(b, m.FE)
	b = binary.BigEndian.AppendUint64(b, m.ID)
	return appendBytes32(b, m.Inputs)
}

// PBInputsAck says a backup recorded the inputs of request (FE, ID).
// Layout: view(8) fe(4) id(8).
type PBInputsAck struct {
	View uint64
	FE   uint32
	ID   uint64
}

// Type implements Msg.
func (*PBInputsAck) Type() Type { return TypePBInputsAck }
func (*PBInputsAck) size() int  { return 20 }
func (m *PBInputsAck) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, m.View)
	b = binary.BigEndian.AppendUint32(b, m.FE)
	return binary.BigEndian.AppendUint64(b, m.ID)
}

func decodePBInputs(t Type, r *reader) Msg {
	switch t {
	case TypePBInputs:
		m := &PBInputs{View: r.u64(), FE: r.u32(), ID: r.u64()}
		n := int(r.u32())
		if r.err == nil && (n == 0 || n > MaxInputs) {
			r.fail("recorded inputs of %d bytes (1..%d)", n, MaxInputs)
		}
		m.Inputs = r.bytes(n)
		return m
	case TypePBInputsAck:
		return &PBInputsAck{View: r.u64(), FE: r.u32(), ID: r.u64()}
	}
	return nil
}
