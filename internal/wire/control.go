package wire

import (
	"encoding/binary"
	"fmt"
)

// ControlService is the reserved service name of requests that steer the
// replica managers instead of a replica. They travel through the sequencer
// like client requests, so every RM sees them at the same position of the
// total order and reaches the same verdict with no extra agreement protocol.
const ControlService = "concord.rm"

// Control operations.
const (
	// OpFault carries an FE's FaultReport (Args: its payload layout).
	OpFault = "fault"
	// OpCheckpoint asks every RM to keep its replica's snapshot at this
	// request's sequence number (Args: requesting RM id, 4 bytes), so a
	// recovering replica can load it.
	OpCheckpoint = "checkpoint"
)

// FaultRequest wraps a fault report as a control request that an FE sends
// to the sequencer (with its own FE id and a fresh request id).
func FaultRequest(fe uint32, id uint64, f FaultReport) *Request {
	return &Request{FE: fe, ID: id, Service: ControlService, Operation: OpFault, Args: f.appendTo(nil)}
}

// CheckpointRequest is the control request a recovering RM sends.
func CheckpointRequest(rm uint32, id uint64) *Request {
	return &Request{FE: rm, ID: id, Service: ControlService, Operation: OpCheckpoint,
		Args: binary.BigEndian.AppendUint32(nil, rm)}
}

// ParseFault decodes the Args of an OpFault request.
func ParseFault(args []byte) (FaultReport, error) {
	r := &reader{b: args}
	f := FaultReport{Replica: r.u32(), Seq: r.u64(), Kind: FaultKind(r.u8())}
	if r.err == nil && (f.Kind < FaultWrong || f.Kind > FaultCleared) {
		r.fail("fault kind %d", f.Kind)
	}
	if r.err == nil && r.left() != 0 {
		r.fail("%d trailing bytes after fault report", r.left())
	}
	return f, r.err
}

// ParseCheckpoint decodes the Args of an OpCheckpoint request.
func ParseCheckpoint(args []byte) (uint32, error) {
	if len(args) != 4 {
		return 0, errf(ReasonMalformed, "checkpoint args of %d bytes, want 4", len(args))
	}
	return binary.BigEndian.Uint32(args), nil
}

// IsControl reports whether q is a control request.
func (q *Request) IsControl() bool { return q.Service == ControlService }

func (q *Request) String() string {
	return fmt.Sprintf("%s.%s(fe %d id %d)", q.Service, q.Operation, q.FE, q.ID)
}
