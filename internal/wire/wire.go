// Package wire is the internal UDP datagram format shared by the front end,
// the sequencer and the replica managers: a fixed header, a typed payload in
// a documented big-endian binary layout, and a truncated HMAC-SHA256 trailer
// with the cluster key. Each message type's comment gives its byte layout.
package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"sync"
)

// Layout constants.
const (
	Magic        = "CNCD"
	Version      = 1
	HeaderLen    = 12
	MACLen       = 16
	MaxDatagram  = 61440 // 60 KiB: under the 65507-byte UDP limit with room to spare
	MaxPayload   = MaxDatagram - HeaderLen - MACLen
	seqBatchHead = 8 + 2 // first seq + count
	seqEntryHead = 4     // entry length prefix
	// MaxRequestLen bounds an encoded request so that any accepted request
	// fits alone in a Sequenced datagram.
	MaxRequestLen = MaxPayload - seqBatchHead - seqEntryHead
)

// Type is the message type byte.
type Type uint8

// Message types.
const (
	TypeRequest      Type = 1  // FE -> sequencer
	TypeRequestAck   Type = 2  // sequencer -> FE
	TypeSequenced    Type = 3  // sequencer -> RM
	TypeNak          Type = 4  // RM -> sequencer
	TypeAck          Type = 5  // RM -> sequencer
	TypeCatchUp      Type = 6  // sequencer -> RM
	TypeReply        Type = 7  // RM -> FE
	TypeFaultReport  Type = 8  // FE -> RM
	TypeHeartbeat    Type = 9  // any
	TypeStateQuery   Type = 10 // RM -> RM
	TypeStateOffer   Type = 11 // RM -> RM
	TypeStateFetch   Type = 12 // RM -> RM
	TypeStateChunk   Type = 13 // RM -> RM
	TypePBUpdate     Type = 14 // primary -> backups
	TypePBAck        Type = 15 // backup -> primary
	TypePrimaryQuery Type = 16 // FE -> RM
	TypePrimary      Type = 17 // RM -> FE
	maxType               = TypePBInputsAck
)

var typeNames = [...]string{"", "Request", "RequestAck", "Sequenced", "Nak", "Ack", "CatchUp", "Reply", "FaultReport", "Heartbeat", "StateQuery", "StateOffer", "StateFetch", "StateChunk", "PBUpdate", "PBAck", "PrimaryQuery", "Primary", "FaultCtl", "FaultCtlAck", "PBInputs", "PBInputsAck"}

func (t Type) String() string {
	if t >= 1 && t <= maxType {
		return typeNames[t]
	}
	return "Unknown"
}

// Flags is the header flags field.
type Flags uint16

// FlagRetransmit marks a datagram that repeats an earlier one (sequencer
// answering a NAK, FE resending a request); receivers ignore it, captures show it.
const FlagRetransmit Flags = 1

// Msg is one of the payload types of this package.
type Msg interface {
	Type() Type
	// size is the exact encoded payload length.
	size() int
	appendTo(b []byte) []byte
}

// Packet is a decoded datagram: header fields plus the message.
type Packet struct {
	Sender uint32
	Flags  Flags
	Msg    Msg
}

// Key is the cluster key. It is safe for concurrent use.
type Key struct {
	pool sync.Pool
}

// NewKey makes a Key from the shared secret.
func NewKey(secret []byte) *Key {
	s := append([]byte(nil), secret...)
	k := &Key{}
	k.pool.New = func() any { return hmac.New(sha256.New, s) }
	return k
}

func (k *Key) mac(dst, data []byte) []byte {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	h.Write(data)
	var sum [sha256.Size]byte
	out := h.Sum(sum[:0])
	k.pool.Put(h)
	return append(dst, out[:MACLen]...)
}

// Seal encodes p into a new datagram.
func Seal(k *Key, p Packet) ([]byte, error) {
	if p.Msg == nil {
		return nil, errf(ReasonType, "nil message")
	}
	return AppendSeal(make([]byte, 0, HeaderLen+p.Msg.size()+MACLen), k, p)
}

// AppendSeal encodes p and appends the datagram to dst.
func AppendSeal(dst []byte, k *Key, p Packet) ([]byte, error) {
	if p.Msg == nil {
		return dst, errf(ReasonType, "nil message")
	}
	if err := validate(p.Msg); err != nil {
		return dst, err
	}
	n := p.Msg.size()
	if n > MaxPayload {
		return dst, errf(ReasonTooLarge, "%s payload %d bytes, max %d", p.Msg.Type(), n, MaxPayload)
	}
	start := len(dst)
	dst = append(dst, Magic...)
	dst = append(dst, Version, byte(p.Msg.Type()))
	dst = binary.BigEndian.AppendUint16(dst, uint16(p.Flags))
	dst = binary.BigEndian.AppendUint32(dst, p.Sender)
	dst = p.Msg.appendTo(dst)
	return k.mac(dst, dst[start:]), nil
}

// Open authenticates and decodes one datagram. The result never aliases b,
// so the caller may reuse its read buffer.
func Open(k *Key, b []byte) (Packet, error) {
	if len(b) < HeaderLen+MACLen {
		return Packet{}, errf(ReasonShort, "%d bytes, need at least %d", len(b), HeaderLen+MACLen)
	}
	if len(b) > MaxDatagram {
		return Packet{}, errf(ReasonTooLarge, "%d bytes, max %d", len(b), MaxDatagram)
	}
	if string(b[:4]) != Magic {
		return Packet{}, errf(ReasonMagic, "magic %q", b[:4])
	}
	if b[4] != Version {
		return Packet{}, errf(ReasonVersion, "version %d", b[4])
	}
	t := Type(b[5])
	if t < 1 || t > maxType {
		return Packet{}, errf(ReasonType, "type %d", b[5])
	}
	body := b[:len(b)-MACLen]
	var sum [MACLen]byte
	if !hmac.Equal(k.mac(sum[:0], body), b[len(b)-MACLen:]) {
		return Packet{}, errf(ReasonMAC, "%s datagram fails authentication", t)
	}
	p := Packet{
		Flags:  Flags(binary.BigEndian.Uint16(b[6:8])),
		Sender: binary.BigEndian.Uint32(b[8:12]),
	}
	m, err := decode(t, body[HeaderLen:])
	if err != nil {
		return Packet{}, err
	}
	p.Msg = m
	return p, nil
}

// validate refuses messages that Open would refuse, so a sender finds out
// before the receiver silently drops them.
func validate(m Msg) error {
	switch v := m.(type) {
	case *Nak:
		if len(v.Ranges) == 0 || len(v.Ranges) > MaxNakRanges {
			return errf(ReasonTooLarge, "nak with %d ranges (1..%d)", len(v.Ranges), MaxNakRanges)
		}
	case *Request:
		if n := v.size(); n > MaxRequestLen {
			return errf(ReasonTooLarge, "request of %d bytes, max %d", n, MaxRequestLen)
		}
	case *Sequenced:
		if v.First == 0 || len(v.Requests) > 0xffff {
			return errf(ReasonMalformed, "sequenced batch first=%d count=%d", v.First, len(v.Requests))
		}
	case *PBUpdate:
		if v.First == 0 || len(v.Requests) > 0xffff {
			return errf(ReasonMalformed, "update batch first=%d count=%d", v.First, len(v.Requests))
		}
	case *FaultCtl, *FaultCtlAck:
		return validateFaultCtl(m)
	case *PBInputs:
		if len(v.Inputs) == 0 || len(v.Inputs) > MaxInputs {
			return errf(ReasonMalformed, "recorded inputs of %d bytes (1..%d)", len(v.Inputs), MaxInputs)
		}
	}
	return nil
}
