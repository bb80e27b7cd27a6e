package cdr

import (
	"encoding/binary"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoder appends CDR values to a buffer. Alignment is computed from the
// encoder's origin: position 0 of the GIOP message (or encapsulation), which
// may lie before the first byte the encoder writes (see NewEncoderAt).
type Encoder struct {
	buf    []byte
	start  int // logical position of buf[0] relative to the alignment origin
	little bool
	cs     CodeSets
	minor  uint8 // GIOP minor version: the wchar/wstring rules depend on it
	err    error
}

// NewEncoder returns an encoder whose first byte is at the alignment origin,
// for GIOP 1.2 with default code sets.
func NewEncoder(littleEndian bool) *Encoder {
	return &Encoder{little: littleEndian, minor: 2}
}

// NewEncoderAt returns an encoder whose first byte sits at position offset of
// the enclosing message, so values align as they will once embedded there.
func NewEncoderAt(littleEndian bool, offset int) *Encoder {
	return &Encoder{little: littleEndian, start: offset, minor: 2}
}

// Reset empties the encoder for reuse, keeping its buffer's capacity.
func (e *Encoder) Reset(littleEndian bool, offset int) {
	e.buf = e.buf[:0]
	e.start = offset
	e.little = littleEndian
	e.cs = CodeSets{}
	e.minor = 2
	e.err = nil
}

// SetCodeSets sets the transmission code sets negotiated for the connection.
func (e *Encoder) SetCodeSets(cs CodeSets) { e.cs = cs }

// CodeSets returns the code sets in force.
func (e *Encoder) CodeSets() CodeSets { return e.cs }

// SetGIOPMinor selects the wchar/wstring rules of GIOP 1.<minor>.
func (e *Encoder) SetGIOPMinor(minor uint8) { e.minor = minor }

// GIOPMinor returns the GIOP minor version whose rules the encoder follows.
func (e *Encoder) GIOPMinor() uint8 { return e.minor }

// LittleEndian reports the byte order being written.
func (e *Encoder) LittleEndian() bool { return e.little }

// Bytes returns the encoded bytes (aliasing the internal buffer).
func (e *Encoder) Bytes() []byte { return e.buf }

// Len is the number of bytes written.
func (e *Encoder) Len() int { return len(e.buf) }

// Pos is the logical position relative to the alignment origin.
func (e *Encoder) Pos() int { return e.start + len(e.buf) }

// Truncate drops everything after the first n bytes written (used to discard
// a half-written reply body when a servant fails).
func (e *Encoder) Truncate(n int) { e.buf = e.buf[:n] }

// SetError records err unless an error is already recorded.
func (e *Encoder) SetError(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Err returns the first error recorded.
func (e *Encoder) Err() error { return e.err }

func (e *Encoder) order() binary.AppendByteOrder {
	if e.little {
		return binary.LittleEndian
	}
	return binary.BigEndian
}

// Align pads with zero octets to a multiple of n from the origin.
func (e *Encoder) Align(n int) {
	if pad := (n - (e.start+len(e.buf))%n) % n; pad > 0 {
		e.buf = append(e.buf, zeros[:pad]...)
	}
}

var zeros [8]byte

func (e *Encoder) WriteOctet(v uint8) { e.buf = append(e.buf, v) }

func (e *Encoder) WriteBoolean(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// WriteChar writes an IDL char: one octet of the char code set.
func (e *Encoder) WriteChar(v byte) { e.buf = append(e.buf, v) }

func (e *Encoder) WriteShort(v int16) { e.WriteUShort(uint16(v)) }

func (e *Encoder) WriteUShort(v uint16) {
	e.Align(2)
	e.buf = e.order().AppendUint16(e.buf, v)
}

func (e *Encoder) WriteLong(v int32) { e.WriteULong(uint32(v)) }

func (e *Encoder) WriteULong(v uint32) {
	e.Align(4)
	e.buf = e.order().AppendUint32(e.buf, v)
}

func (e *Encoder) WriteLongLong(v int64) { e.WriteULongLong(uint64(v)) }

func (e *Encoder) WriteULongLong(v uint64) {
	e.Align(8)
	e.buf = e.order().AppendUint64(e.buf, v)
}

func (e *Encoder) WriteFloat(v float32) { e.WriteULong(math.Float32bits(v)) }

func (e *Encoder) WriteDouble(v float64) { e.WriteULongLong(math.Float64bits(v)) }

// WriteOctets writes raw octets with no length (octet arrays, pre-encoded data).
func (e *Encoder) WriteOctets(v []byte) { e.buf = append(e.buf, v...) }

// WriteOctetSeq writes sequence<octet>: a ulong length then the octets.
func (e *Encoder) WriteOctetSeq(v []byte) {
	e.WriteULong(uint32(len(v)))
	e.buf = append(e.buf, v...)
}

// WriteString writes an IDL string: ulong length counting the terminating
// NUL, the bytes in the char code set, then NUL. Go strings are UTF-8; under
// ISO-8859-1 a rune above U+00FF is a DATA_CONVERSION error.
func (e *Encoder) WriteString(s string) {
	if e.cs.charIsUTF8() || isASCII(s) {
		e.WriteULong(uint32(len(s) + 1))
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, 0)
		return
	}
	n := utf8.RuneCountInString(s)
	e.WriteULong(uint32(n + 1))
	for _, r := range s {
		if r > 0xFF {
			e.SetError(conversionError("character %U is not in ISO-8859-1", r))
			r = '?'
		}
		e.buf = append(e.buf, byte(r))
	}
	e.buf = append(e.buf, 0)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// WriteWChar writes an IDL wchar in UTF-16. GIOP 1.2 sends an octet count and
// big-endian code units (no byte order mark); 1.0/1.1 send one aligned 2-octet
// code unit in the stream's byte order.
func (e *Encoder) WriteWChar(r rune) {
	if r > 0xFFFF || (r >= 0xD800 && r <= 0xDFFF) {
		e.SetError(conversionError("wchar %U does not fit one UTF-16 code unit", r))
		r = '?'
	}
	if e.minor >= 2 {
		e.buf = append(e.buf, 2, byte(r>>8), byte(r))
		return
	}
	e.WriteUShort(uint16(r))
}

// WriteWString writes an IDL wstring in UTF-16. GIOP 1.2: ulong octet length,
// big-endian code units, no terminator. GIOP 1.0/1.1: ulong length in code
// units including a terminating NUL, each unit in the stream's byte order.
func (e *Encoder) WriteWString(s string) {
	units := utf16.Encode([]rune(s))
	if e.minor >= 2 {
		e.WriteULong(uint32(2 * len(units)))
		for _, u := range units {
			e.buf = append(e.buf, byte(u>>8), byte(u))
		}
		return
	}
	e.WriteULong(uint32(len(units) + 1))
	for _, u := range units {
		e.buf = e.order().AppendUint16(e.buf, u)
	}
	e.buf = e.order().AppendUint16(e.buf, 0)
}

// WriteEncapsulation writes an encapsulation (sequence<octet> holding a byte
// order octet and CDR data aligned from the encapsulation's own start).
func (e *Encoder) WriteEncapsulation(fill func(*Encoder)) {
	inner := &Encoder{little: e.little, cs: e.cs, minor: e.minor}
	inner.WriteBoolean(e.little)
	fill(inner)
	if inner.err != nil {
		e.SetError(inner.err)
	}
	e.WriteOctetSeq(inner.buf)
}
