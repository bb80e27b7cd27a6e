package cdr

import "testing"

// FuzzDecoder reads a mix of every type from arbitrary bytes: it must never
// panic or allocate past the input, whatever the lengths say.
func FuzzDecoder(f *testing.F) {
	e := NewEncoder(false)
	e.WriteString("seed")
	e.WriteWString("wide")
	e.WriteOctetSeq([]byte{1, 2, 3})
	e.WriteEncapsulation(func(in *Encoder) { in.WriteLong(1) })
	f.Add(e.Bytes(), false, uint8(2))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, true, uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, little bool, minor uint8) {
		d := NewDecoder(b, little)
		d.SetGIOPMinor(minor % 3)
		for d.Err() == nil && d.Remaining() > 0 {
			d.ReadString()
			d.ReadWString()
			d.ReadWChar()
			d.ReadOctetSeq()
			d.ReadDouble()
			d.ReadEncapsulation().ReadString()
			d.ReadSeqLen(8)
		}
	})
}
