package cdr

import (
	"encoding/binary"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// Decoder reads CDR values from a byte slice. After the first error every
// read returns a zero value and Err reports that first error.
type Decoder struct {
	buf    []byte
	off    int // next byte to read in buf
	start  int // logical position of buf[0] relative to the alignment origin
	little bool
	cs     CodeSets
	minor  uint8
	err    error
}

// NewDecoder decodes b, whose first byte is at the alignment origin, under
// GIOP 1.2 rules with default code sets.
func NewDecoder(b []byte, littleEndian bool) *Decoder {
	return &Decoder{buf: b, little: littleEndian, minor: 2}
}

// NewDecoderAt decodes b, whose first byte sits at position offset of the
// enclosing message (a GIOP body after its 12-octet header, say).
func NewDecoderAt(b []byte, littleEndian bool, offset int) *Decoder {
	return &Decoder{buf: b, little: littleEndian, start: offset, minor: 2}
}

// Reset makes d decode b afresh, as NewDecoderAt(b, littleEndian, offset)
// would, so a caller can reuse one Decoder.
func (d *Decoder) Reset(b []byte, littleEndian bool, offset int) {
	*d = Decoder{buf: b, little: littleEndian, start: offset, minor: 2}
}

// SetCodeSets sets the transmission code sets negotiated for the connection.
func (d *Decoder) SetCodeSets(cs CodeSets) { d.cs = cs }

// CodeSets returns the code sets in force.
func (d *Decoder) CodeSets() CodeSets { return d.cs }

// SetGIOPMinor selects the wchar/wstring rules of GIOP 1.<minor>.
func (d *Decoder) SetGIOPMinor(minor uint8) { d.minor = minor }

// GIOPMinor returns the GIOP minor version whose rules apply.
func (d *Decoder) GIOPMinor() uint8 { return d.minor }

// LittleEndian reports the byte order being read.
func (d *Decoder) LittleEndian() bool { return d.little }

// SetError records err unless an error is already recorded.
func (d *Decoder) SetError(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Err returns the first error met.
func (d *Decoder) Err() error { return d.err }

// Remaining is the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Offset is the index of the next unread byte in the decoder's slice.
func (d *Decoder) Offset() int { return d.off }

// Pos is the logical position relative to the alignment origin.
func (d *Decoder) Pos() int { return d.start + d.off }

// Rest returns the unread bytes without consuming them.
func (d *Decoder) Rest() []byte { return d.buf[d.off:] }

func (d *Decoder) order() binary.ByteOrder {
	if d.little {
		return binary.LittleEndian
	}
	return binary.BigEndian
}

// Align skips padding to a multiple of n from the origin. Running out of
// bytes while aligning is not an error by itself: the next read reports it.
func (d *Decoder) Align(n int) {
	pad := (n - (d.start+d.off)%n) % n
	if d.off+pad > len(d.buf) {
		d.off = len(d.buf)
		return
	}
	d.off += pad
}

// take returns the next n bytes, or nil after recording a MARSHAL error.
func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.buf)-d.off {
		d.err = MarshalError("need %d bytes at offset %d, %d left", n, d.start+d.off, len(d.buf)-d.off)
		return nil
	}
	b := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

func (d *Decoder) ReadOctet() uint8 {
	b := d.take(1)
	if b == nil {
		return 0
	}
	return b[0]
}

// ReadBoolean reads an octet that must be 0 or 1.
func (d *Decoder) ReadBoolean() bool {
	b := d.take(1)
	if b == nil {
		return false
	}
	if b[0] > 1 {
		d.SetError(MarshalError("boolean octet %d is neither 0 nor 1", b[0]))
		return false
	}
	return b[0] == 1
}

func (d *Decoder) ReadChar() byte { return d.ReadOctet() }

func (d *Decoder) ReadShort() int16 { return int16(d.ReadUShort()) }

func (d *Decoder) ReadUShort() uint16 {
	d.Align(2)
	b := d.take(2)
	if b == nil {
		return 0
	}
	return d.order().Uint16(b)
}

func (d *Decoder) ReadLong() int32 { return int32(d.ReadULong()) }

func (d *Decoder) ReadULong() uint32 {
	d.Align(4)
	b := d.take(4)
	if b == nil {
		return 0
	}
	return d.order().Uint32(b)
}

func (d *Decoder) ReadLongLong() int64 { return int64(d.ReadULongLong()) }

func (d *Decoder) ReadULongLong() uint64 {
	d.Align(8)
	b := d.take(8)
	if b == nil {
		return 0
	}
	return d.order().Uint64(b)
}

func (d *Decoder) ReadFloat() float32 { return math.Float32frombits(d.ReadULong()) }

func (d *Decoder) ReadDouble() float64 { return math.Float64frombits(d.ReadULongLong()) }

// ReadOctets reads n raw octets (an octet array). The result aliases the input.
func (d *Decoder) ReadOctets(n int) []byte { return d.take(n) }

// ReadOctetSeq reads sequence<octet>. The result aliases the input.
func (d *Decoder) ReadOctetSeq() []byte {
	n := d.ReadSeqLen(1)
	if d.err != nil {
		return nil
	}
	return d.take(n)
}

// ReadSeqLen reads a sequence length and checks that n elements of at least
// minElemSize octets each can fit in what is left, so a forged length never
// causes a large allocation.
func (d *Decoder) ReadSeqLen(minElemSize int) int {
	n := d.ReadULong()
	if d.err != nil {
		return 0
	}
	if minElemSize < 1 {
		minElemSize = 1
	}
	if uint64(n)*uint64(minElemSize) > uint64(len(d.buf)-d.off) {
		d.err = MarshalError("sequence length %d exceeds the %d bytes left", n, len(d.buf)-d.off)
		return 0
	}
	return int(n)
}

// ReadString reads an IDL string and returns it as UTF-8.
func (d *Decoder) ReadString() string {
	n := d.ReadSeqLen(1)
	if d.err != nil {
		return ""
	}
	if n == 0 {
		d.SetError(MarshalError("string length 0: the terminating NUL is missing"))
		return ""
	}
	b := d.take(n)
	if b == nil {
		return ""
	}
	if b[n-1] != 0 {
		d.SetError(MarshalError("string is not NUL-terminated"))
		return ""
	}
	b = b[:n-1]
	if d.cs.charIsUTF8() {
		if !utf8.Valid(b) {
			d.SetError(conversionError("string is not valid UTF-8"))
			return ""
		}
		return string(b)
	}
	return latin1ToUTF8(b)
}

func latin1ToUTF8(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}

// ReadWChar reads an IDL wchar (see Encoder.WriteWChar for the rules).
func (d *Decoder) ReadWChar() rune {
	if d.minor >= 2 {
		n := int(d.ReadOctet())
		b := d.take(n)
		if d.err != nil {
			return 0
		}
		units := d.utf16Units(b)
		if len(units) != 1 {
			d.SetError(MarshalError("wchar of %d octets", n))
			return 0
		}
		return rune(units[0])
	}
	return rune(d.ReadUShort())
}

// ReadWString reads an IDL wstring and returns it as UTF-8.
func (d *Decoder) ReadWString() string {
	if d.minor >= 2 {
		n := d.ReadSeqLen(1)
		if d.err != nil {
			return ""
		}
		if n%2 != 0 {
			d.SetError(MarshalError("wstring of odd octet length %d", n))
			return ""
		}
		b := d.take(n)
		if d.err != nil {
			return ""
		}
		return string(utf16.Decode(d.utf16Units(b)))
	}
	n := d.ReadSeqLen(2)
	if d.err != nil {
		return ""
	}
	if n == 0 {
		// Some ORBs send an empty wstring with length 0 in GIOP 1.1.
		return ""
	}
	units := make([]uint16, n)
	for i := range units {
		units[i] = d.ReadUShort()
	}
	if d.err != nil {
		return ""
	}
	if units[n-1] != 0 {
		d.SetError(MarshalError("wstring is not NUL-terminated"))
		return ""
	}
	return string(utf16.Decode(units[:n-1]))
}

// utf16Units decodes GIOP 1.2 UTF-16 octets: an optional byte order mark
// decides the order, big-endian otherwise.
func (d *Decoder) utf16Units(b []byte) []uint16 {
	order := binary.ByteOrder(binary.BigEndian)
	if len(b) >= 2 {
		switch {
		case b[0] == 0xFE && b[1] == 0xFF:
			b = b[2:]
		case b[0] == 0xFF && b[1] == 0xFE:
			order = binary.LittleEndian
			b = b[2:]
		}
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return units
}

// ReadEncapsulation reads an encapsulation and returns a decoder over its
// contents, with its own byte order and alignment origin.
func (d *Decoder) ReadEncapsulation() *Decoder {
	b := d.ReadOctetSeq()
	if d.err != nil {
		return &Decoder{err: d.err}
	}
	inner := OpenEncapsulation(b)
	inner.cs, inner.minor = d.cs, d.minor
	return inner
}

// OpenEncapsulation returns a decoder over an encapsulation's bytes: the
// first octet is the byte order, and alignment counts from that octet.
func OpenEncapsulation(b []byte) *Decoder {
	inner := &Decoder{buf: b, minor: 2}
	bo := inner.ReadOctet()
	if inner.err == nil && bo > 1 {
		inner.err = MarshalError("encapsulation byte order octet %d", bo)
	}
	inner.little = bo == 1
	return inner
}
