package giop

import (
	"encoding/binary"
	"fmt"
)

// HeaderSize is the size of the fixed GIOP message header.
const HeaderSize = 12

// MsgType is the GIOP message type octet.
type MsgType uint8

const (
	MsgRequest         MsgType = 0
	MsgReply           MsgType = 1
	MsgCancelRequest   MsgType = 2
	MsgLocateRequest   MsgType = 3
	MsgLocateReply     MsgType = 4
	MsgCloseConnection MsgType = 5
	MsgMessageError    MsgType = 6
	MsgFragment        MsgType = 7
)

var msgTypeNames = [...]string{"Request", "Reply", "CancelRequest", "LocateRequest", "LocateReply", "CloseConnection", "MessageError", "Fragment"}

func (t MsgType) String() string {
	if int(t) < len(msgTypeNames) {
		return msgTypeNames[t]
	}
	return fmt.Sprintf("MsgType(%d)", uint8(t))
}

// Version is a GIOP protocol version.
type Version struct{ Major, Minor uint8 }

var (
	V1_0 = Version{1, 0}
	V1_1 = Version{1, 1}
	V1_2 = Version{1, 2}
)

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Supported reports whether this package speaks v.
func (v Version) Supported() bool { return v.Major == 1 && v.Minor <= 2 }

// Header flag bits (GIOP 1.1+; in 1.0 the octet is the byte order boolean).
const (
	FlagLittleEndian     = 0x01
	FlagMoreFragments    = 0x02
	validFlagsFromGIOP11 = FlagLittleEndian | FlagMoreFragments
)

// Header is the 12-octet GIOP message header.
type Header struct {
	Version Version
	Flags   uint8
	Type    MsgType
	Size    uint32 // bytes after the header
}

// LittleEndian reports the byte order of the message.
func (h Header) LittleEndian() bool { return h.Flags&FlagLittleEndian != 0 }

// MoreFragments reports whether fragments follow this message.
func (h Header) MoreFragments() bool { return h.Flags&FlagMoreFragments != 0 }

// ParseHeader decodes and validates a message header. Every failure is a
// *ProtocolError: the peer gets a MessageError and the connection closes.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, protoErrf("header of %d bytes is truncated", len(b))
	}
	if string(b[:4]) != "GIOP" {
		return Header{}, protoErrf("bad magic %q", b[:4])
	}
	h := Header{Version: Version{b[4], b[5]}, Flags: b[6], Type: MsgType(b[7])}
	if !h.Version.Supported() {
		return h, &ProtocolError{Msg: fmt.Sprintf("unsupported GIOP version %s", h.Version), UnsupportedVersion: true}
	}
	if h.Version.Minor == 0 {
		if h.Flags > 1 {
			return h, protoErrf("GIOP 1.0 byte order octet %d", h.Flags)
		}
		if h.Type == MsgFragment {
			return h, protoErrf("Fragment message in GIOP 1.0")
		}
	} else if h.Flags&^validFlagsFromGIOP11 != 0 {
		return h, protoErrf("unknown header flags %#x", h.Flags)
	}
	if h.Type > MsgFragment {
		return h, protoErrf("unknown message type %d", uint8(h.Type))
	}
	if h.LittleEndian() {
		h.Size = binary.LittleEndian.Uint32(b[8:12])
	} else {
		h.Size = binary.BigEndian.Uint32(b[8:12])
	}
	return h, nil
}

// putHeader writes a header into the first 12 bytes of b.
func putHeader(b []byte, v Version, flags uint8, t MsgType, size uint32) {
	copy(b, "GIOP")
	b[4], b[5], b[6], b[7] = v.Major, v.Minor, flags, uint8(t)
	if flags&FlagLittleEndian != 0 {
		binary.LittleEndian.PutUint32(b[8:], size)
	} else {
		binary.BigEndian.PutUint32(b[8:], size)
	}
}
