// Package snap is the byte layout shared by the replicas' snapshots:
// big-endian fixed-width integers (encoding/binary) and strings as a uint16
// length plus bytes. The Reader never panics and never allocates more than
// the input could hold, so a truncated or hostile snapshot is only an error.
package snap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Writer appends values to a buffer.
type Writer struct{ B []byte }

func (w *Writer) U8(v uint8)   { w.B = append(w.B, v) }
func (w *Writer) U32(v uint32) { w.B = binary.BigEndian.AppendUint32(w.B, v) }
func (w *Writer) I32(v int32)  { w.U32(uint32(v)) }
func (w *Writer) U64(v uint64) { w.B = binary.BigEndian.AppendUint64(w.B, v) }
func (w *Writer) F64(v float64) {
	w.U64(math.Float64bits(v)) // bit-exact, so restore gives the same digest
}

// Bool writes 0 or 1.
func (w *Writer) Bool(v bool) {
	if v {
		w.U8(1)
	} else {
		w.U8(0)
	}
}

// Str writes a string of at most MaxString bytes; longer strings never
// reach the state because the services refuse them.
func (w *Writer) Str(s string) {
	if len(s) > MaxString {
		panic(fmt.Sprintf("snap: string of %d bytes exceeds %d", len(s), MaxString))
	}
	w.B = binary.BigEndian.AppendUint16(w.B, uint16(len(s)))
	w.B = append(w.B, s...)
}

// MaxString is the longest string a snapshot can hold.
const MaxString = math.MaxUint16

// ErrTruncated reports input that ends in the middle of a value.
var ErrTruncated = errors.New("snapshot truncated")

// Reader consumes values; after the first error every read returns zero
// and Err reports that first error.
type Reader struct {
	b   []byte
	err error
}

func NewReader(b []byte) *Reader { return &Reader{b: b} }

func (r *Reader) Err() error { return r.err }

// Fail records err unless an earlier error is already recorded.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// Failf records a formatted error.
func (r *Reader) Failf(format string, args ...any) { r.Fail(fmt.Errorf(format, args...)) }

func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b) < n {
		r.err = ErrTruncated
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *Reader) U8() uint8 {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *Reader) U32() uint32 {
	if v := r.take(4); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}

func (r *Reader) I32() int32 { return int32(r.U32()) }

func (r *Reader) U64() uint64 {
	if v := r.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (r *Reader) F64() float64 { return math.Float64frombits(r.U64()) }

// Bool reads a byte that must be 0 or 1.
func (r *Reader) Bool() bool {
	switch v := r.U8(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		r.Failf("bad boolean byte %d", v)
		return false
	}
}

func (r *Reader) Str() string {
	n := r.take(2)
	if n == nil {
		return ""
	}
	return string(r.take(int(binary.BigEndian.Uint16(n))))
}

// Count reads a uint32 element count and refuses one that could not fit in
// the rest of the input at minSize bytes per element, so a forged count
// cannot make the caller allocate gigabytes.
func (r *Reader) Count(minSize int) int {
	n := r.U32()
	if r.err != nil {
		return 0
	}
	if minSize < 1 {
		minSize = 1
	}
	if uint64(n)*uint64(minSize) > uint64(len(r.b)) {
		r.err = fmt.Errorf("count %d cannot fit in the %d bytes left: %w", n, len(r.b), ErrTruncated)
		return 0
	}
	return int(n)
}

// End fails unless the input is fully consumed.
func (r *Reader) End() {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d trailing bytes after the snapshot", len(r.b))
	}
}
