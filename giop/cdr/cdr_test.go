package cdr

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrimitivesGoldenBytes(t *testing.T) {
	cases := []struct {
		name   string
		little bool
		offset int
		write  func(e *Encoder)
		want   string
	}{
		{"octet", false, 0, func(e *Encoder) { e.WriteOctet(0xAB) }, "ab"},
		{"boolean", false, 0, func(e *Encoder) { e.WriteBoolean(true); e.WriteBoolean(false) }, "0100"},
		{"short BE after octet pads 1", false, 0, func(e *Encoder) { e.WriteOctet(1); e.WriteShort(-2) }, "0100fffe"},
		{"short LE", true, 0, func(e *Encoder) { e.WriteShort(0x0102) }, "0201"},
		{"ulong BE aligned from origin", false, 0, func(e *Encoder) { e.WriteOctet(9); e.WriteULong(0x01020304) }, "0900000001020304"},
		{"ulong LE", true, 0, func(e *Encoder) { e.WriteLong(-1) }, "ffffffff"},
		{"long at offset 12 needs no pad", false, 12, func(e *Encoder) { e.WriteLong(7) }, "00000007"},
		{"longlong at offset 12 pads 4", false, 12, func(e *Encoder) { e.WriteLongLong(1) }, "000000000000000000000001"},
		{"ulonglong LE", true, 0, func(e *Encoder) { e.WriteULongLong(0x0102030405060708) }, "0807060504030201"},
		{"float BE", false, 0, func(e *Encoder) { e.WriteFloat(1.5) }, "3fc00000"},
		{"double LE", true, 0, func(e *Encoder) { e.WriteDouble(-2) }, "00000000000000c0"},
		{"string BE", false, 0, func(e *Encoder) { e.WriteString("Hi") }, "000000034869" + "00"},
		{"empty string", true, 0, func(e *Encoder) { e.WriteString("") }, "0100000000"},
		{"latin1 string", false, 0, func(e *Encoder) { e.WriteString("é") }, "00000002e900"},
		{"octet seq", false, 0, func(e *Encoder) { e.WriteOctetSeq([]byte{1, 2}) }, "000000020102"},
		{"wchar 1.2", false, 0, func(e *Encoder) { e.WriteWChar('é') }, "0200e9"},
		{"wstring 1.2 is octet length, BE units", true, 0, func(e *Encoder) { e.WriteWString("Ab") }, "0400000000410062"},
		{"encapsulation", false, 0, func(e *Encoder) { e.WriteEncapsulation(func(in *Encoder) { in.WriteULong(5) }) }, "00000008" + "00000000" + "00000005"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := NewEncoderAt(c.little, c.offset)
			c.write(e)
			require.NoError(t, e.Err())
			assert.Equal(t, c.want, hex.EncodeToString(e.Bytes()))
		})
	}
}

func TestWStringGIOP11(t *testing.T) {
	for _, little := range []bool{false, true} {
		e := NewEncoder(little)
		e.SetGIOPMinor(1)
		e.WriteWString("Aé")
		want := "00000003" + "0041" + "00e9" + "0000"
		if little {
			want = "03000000" + "4100" + "e900" + "0000"
		}
		assert.Equal(t, want, hex.EncodeToString(e.Bytes()))
		d := NewDecoder(e.Bytes(), little)
		d.SetGIOPMinor(1)
		assert.Equal(t, "Aé", d.ReadWString())
		require.NoError(t, d.Err())
	}
}

func TestWString12HonoursByteOrderMark(t *testing.T) {
	le := []byte{0, 0, 0, 6, 0xFF, 0xFE, 'H', 0, 'i', 0}
	d := NewDecoder(le, false)
	assert.Equal(t, "Hi", d.ReadWString())
	require.NoError(t, d.Err())
}

func TestRoundTripAllTypesBothOrders(t *testing.T) {
	for _, little := range []bool{false, true} {
		for _, offset := range []int{0, 1, 3, 12} {
			e := NewEncoderAt(little, offset)
			e.WriteOctet(0xFE)
			e.WriteBoolean(true)
			e.WriteChar('x')
			e.WriteWChar('Ω')
			e.WriteShort(math.MinInt16)
			e.WriteUShort(math.MaxUint16)
			e.WriteLong(math.MinInt32)
			e.WriteULong(math.MaxUint32)
			e.WriteLongLong(math.MinInt64)
			e.WriteULongLong(math.MaxUint64)
			e.WriteFloat(3.25)
			e.WriteDouble(math.Pi)
			e.WriteString("grüße")
			e.WriteWString("日本語 and 𝄞")
			e.WriteOctetSeq([]byte("raw"))
			e.WriteEncapsulation(func(in *Encoder) { in.WriteDouble(1); in.WriteString("inner") })
			require.NoError(t, e.Err())

			d := NewDecoderAt(e.Bytes(), little, offset)
			assert.Equal(t, uint8(0xFE), d.ReadOctet())
			assert.True(t, d.ReadBoolean())
			assert.Equal(t, byte('x'), d.ReadChar())
			assert.Equal(t, 'Ω', d.ReadWChar())
			assert.Equal(t, int16(math.MinInt16), d.ReadShort())
			assert.Equal(t, uint16(math.MaxUint16), d.ReadUShort())
			assert.Equal(t, int32(math.MinInt32), d.ReadLong())
			assert.Equal(t, uint32(math.MaxUint32), d.ReadULong())
			assert.Equal(t, int64(math.MinInt64), d.ReadLongLong())
			assert.Equal(t, uint64(math.MaxUint64), d.ReadULongLong())
			assert.Equal(t, float32(3.25), d.ReadFloat())
			assert.Equal(t, math.Pi, d.ReadDouble())
			assert.Equal(t, "grüße", d.ReadString())
			assert.Equal(t, "日本語 and 𝄞", d.ReadWString())
			assert.Equal(t, []byte("raw"), d.ReadOctetSeq())
			in := d.ReadEncapsulation()
			assert.Equal(t, 1.0, in.ReadDouble())
			assert.Equal(t, "inner", in.ReadString())
			require.NoError(t, in.Err())
			require.NoError(t, d.Err())
			assert.Zero(t, d.Remaining())
		}
	}
}

func TestUTF8CodeSet(t *testing.T) {
	e := NewEncoder(false)
	e.SetCodeSets(CodeSets{Char: CodeSetUTF8})
	e.WriteString("€")
	assert.Equal(t, "00000004e282ac00", hex.EncodeToString(e.Bytes()))
	d := NewDecoder(e.Bytes(), false)
	d.SetCodeSets(CodeSets{Char: CodeSetUTF8})
	assert.Equal(t, "€", d.ReadString())
	require.NoError(t, d.Err())
}

func TestEncoderRefusesUnrepresentableLatin1(t *testing.T) {
	e := NewEncoder(false)
	e.WriteString("€")
	var ce *Error
	require.True(t, errors.As(e.Err(), &ce))
	assert.Equal(t, KindDataConversion, ce.Kind)
}

func TestDecoderNeverTrustsLengths(t *testing.T) {
	cases := []struct {
		name string
		in   string
		read func(d *Decoder)
	}{
		{"truncated long", "0000", func(d *Decoder) { d.ReadLong() }},
		{"string longer than input", "7fffffff41", func(d *Decoder) { d.ReadString() }},
		{"string without NUL", "0000000241 42", func(d *Decoder) { d.ReadString() }},
		{"zero-length string", "00000000", func(d *Decoder) { d.ReadString() }},
		{"huge octet seq", "ffffffff00", func(d *Decoder) { d.ReadOctetSeq() }},
		{"huge sequence of longs", "0000000400000001", func(d *Decoder) { d.ReadSeqLen(4) }},
		{"bad boolean", "02", func(d *Decoder) { d.ReadBoolean() }},
		{"bad encapsulation order", "0000000102", func(d *Decoder) { d.SetError(d.ReadEncapsulation().Err()) }},
		{"odd wstring", "0000000341 4142", func(d *Decoder) { d.ReadWString() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := hex.DecodeString(string(bytes.ReplaceAll([]byte(c.in), []byte(" "), nil)))
			require.NoError(t, err)
			d := NewDecoder(b, false)
			c.read(d)
			var ce *Error
			require.True(t, errors.As(d.Err(), &ce), "want a codec error, got %v", d.Err())
			assert.Equal(t, KindMarshal, ce.Kind)
		})
	}
}

func TestStickyErrorReturnsZeroValues(t *testing.T) {
	d := NewDecoder([]byte{0, 0}, false)
	d.ReadLong()
	require.Error(t, d.Err())
	first := d.Err()
	assert.Equal(t, "", d.ReadString())
	assert.Equal(t, int32(0), d.ReadLong())
	assert.Same(t, first, d.Err())
}
