package snap

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	var w Writer
	w.U8(7)
	w.U32(0xdeadbeef)
	w.I32(-5)
	w.U64(1 << 40)
	w.F64(-51.5)
	w.F64(math.NaN())
	w.Bool(true)
	w.Str("héllo")
	w.Str("")
	r := NewReader(w.B)
	assert.Equal(t, uint8(7), r.U8())
	assert.Equal(t, uint32(0xdeadbeef), r.U32())
	assert.Equal(t, int32(-5), r.I32())
	assert.Equal(t, uint64(1<<40), r.U64())
	assert.Equal(t, -51.5, r.F64())
	assert.True(t, math.IsNaN(r.F64()))
	assert.True(t, r.Bool())
	assert.Equal(t, "héllo", r.Str())
	assert.Equal(t, "", r.Str())
	r.End()
	require.NoError(t, r.Err())
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		read func(r *Reader)
	}{
		{"short u32", []byte{1, 2}, func(r *Reader) { r.U32() }},
		{"short string body", []byte{0, 5, 'a'}, func(r *Reader) { r.Str() }},
		{"bad bool", []byte{2}, func(r *Reader) { r.Bool() }},
		{"huge count", []byte{0xff, 0xff, 0xff, 0xff, 0}, func(r *Reader) { r.Count(1) }},
		{"trailing bytes", []byte{1, 2}, func(r *Reader) { r.U8(); r.End() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(tc.in)
			tc.read(r)
			require.Error(t, r.Err())
			assert.Zero(t, r.U64(), "reads after an error give zero")
		})
	}
}
