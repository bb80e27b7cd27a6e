package wire

import "encoding/binary"

// Fault control: an operator (the `concord fault` command) or the FE tells
// one RM, at run time, which failure its replica must simulate. It goes
// straight to that RM, not through the sequencer: it steers one process and
// needs no place in the total order.

// Fault control message types (after the primary-backup ones).
const (
	TypeFaultCtl    Type = 18 // operator/FE -> RM
	TypeFaultCtlAck Type = 19 // RM -> operator/FE
)

// OperatorID is the sender id reserved for the operator's command-line
// tools; no cluster component may use it.
const OperatorID uint32 = 0xFFFF_FF00

// MaxFaultMode bounds a FaultCtl mode string ("slow:250ms" is 10 bytes).
const MaxFaultMode = 64

// MaxFaultCtlText bounds the RM's answer text.
const MaxFaultCtlText = 1024

// FaultCtl asks an RM to set its replica's fault mode. ID is chosen by the
// sender and echoed in the ack; a retry reuses it, so the RM applies one
// command once however many copies arrive (a repeated "crash" must not
// also crash the replica's fresh successor).
// Layout: id(8) mode(str16, 1..MaxFaultMode bytes, replicas/fault syntax).
type FaultCtl struct {
	ID   uint64
	Mode string
}

// Type implements Msg.
func (*FaultCtl) Type() Type  { return TypeFaultCtl }
func (c *FaultCtl) size() int { return 8 + 2 + len(c.Mode) }
func (c *FaultCtl) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, c.ID)
	return appendStr16(b, c.Mode)
}

// FaultCtlAck answers a FaultCtl: OK, or the reason it was not applied.
// Layout: id(8) replica(4) ok(1: 0 or 1) text(str16, <= MaxFaultCtlText).
type FaultCtlAck struct {
	ID      uint64
	Replica uint32 // the answering RM's id
	OK      bool
	Text    string // what was done ("replica pid 123 now wrong") or the error
}

// Type implements Msg.
func (*FaultCtlAck) Type() Type  { return TypeFaultCtlAck }
func (a *FaultCtlAck) size() int { return 8 + 4 + 1 + 2 + len(a.Text) }
func (a *FaultCtlAck) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, a.ID)
	b = binary.BigEndian.AppendUint32(b, a.Replica)
	ok := byte(0)
	if a.OK {
		ok = 1
	}
	return appendStr16(append(b, ok), a.Text)
}

// validateFaultCtl refuses what decodeFaultCtl would refuse.
func validateFaultCtl(m Msg) error {
	switch v := m.(type) {
	case *FaultCtl:
		if len(v.Mode) == 0 || len(v.Mode) > MaxFaultMode {
			return errf(ReasonMalformed, "fault mode of %d bytes (1..%d)", len(v.Mode), MaxFaultMode)
		}
	case *FaultCtlAck:
		if len(v.Text) > MaxFaultCtlText {
			return errf(ReasonTooLarge, "fault ack text of %d bytes, max %d", len(v.Text), MaxFaultCtlText)
		}
	}
	return nil
}

func decodeFaultCtl(t Type, r *reader) Msg {
	switch t {
	case TypeFaultCtl:
		c := &FaultCtl{ID: r.u64()}
		n := int(r.u16())
		if r.err == nil && (n == 0 || n > MaxFaultMode) {
			r.fail("fault mode of %d bytes (1..%d)", n, MaxFaultMode)
		}
		c.Mode = string(r.raw(n))
		return c
	case TypeFaultCtlAck:
		a := &FaultCtlAck{ID: r.u64(), Replica: r.u32()}
		switch ok := r.u8(); ok {
		case 0, 1:
			a.OK = ok == 1
		default:
			r.fail("fault ack ok byte %d", ok)
		}
		n := int(r.u16())
		if r.err == nil && n > MaxFaultCtlText {
			r.fail("fault ack text of %d bytes, max %d", n, MaxFaultCtlText)
		}
		a.Text = string(r.raw(n))
		return a
	}
	return nil
}
