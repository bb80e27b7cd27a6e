package alltypes_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/idl/gen/internal/alltypes"
)

// codec is what every generated constructed type implements.
type codec interface {
	MarshalCDR(e *cdr.Encoder)
	UnmarshalCDR(d *cdr.Decoder) error
}

func sampleContainers() *alltypes.Containers {
	return &alltypes.Containers{
		Longs:  []int32{1, -2, 3},
		Inners: []alltypes.Inner{{Name: "a", Hue: alltypes.Red}, {Name: "bb", Hue: alltypes.Blue}},
		Bytes:  []byte{0, 1, 2, 255},
		Blob:   []byte("blob"),
		Table:  [][]string{{"x"}, {}, {"y", "z"}},
		Cells:  [2][3]int32{{1, 2, 3}, {4, 5, 6}},
		Paints: [3]alltypes.Color{alltypes.Blue, alltypes.Green, alltypes.Red},
		Wide:   "wïde",
		Nested: [2]alltypes.Inner{{Name: "n1"}, {Name: "n2", Hue: alltypes.Green}},
		Colors: []alltypes.Color{alltypes.Green},
		Where:  alltypes.ContainersPoint{X: 1.5, Y: -2.25},
	}
}

// roundTripCases covers every kind of generated type.
func roundTripCases() []struct {
	name      string
	in, empty codec
} {
	return []struct {
		name      string
		in, empty codec
	}{
		{"basics", &alltypes.Basics{S: -1, Us: 65535, L: -100000, Ul: 4000000000, Ll: -1 << 40, Ull: 1 << 63,
			F: 1.5, D: -2.5e100, B: true, C: 'x', Wc: 'é', O: 200, Str: "héllo", Wstr: "wide ✓"}, &alltypes.Basics{}},
		{"zero basics", &alltypes.Basics{}, &alltypes.Basics{}},
		{"containers", sampleContainers(), &alltypes.Containers{}},
		{"recursive tree", &alltypes.Tree{Label: "root", Children: []alltypes.Tree{
			{Label: "a", Children: []alltypes.Tree{}}, {Label: "b", Children: []alltypes.Tree{{Label: "b1", Children: []alltypes.Tree{}}}}}}, &alltypes.Tree{}},
		{"union long case 1", &alltypes.ByLong{Disc: 1, Small: 7}, &alltypes.ByLong{}},
		{"union long case 2 shares the branch", &alltypes.ByLong{Disc: 2, Small: -7}, &alltypes.ByLong{}},
		{"union long text", &alltypes.ByLong{Disc: 10, Text: "ten"}, &alltypes.ByLong{}},
		{"union long default", &alltypes.ByLong{Disc: 99, Other: 0.5}, &alltypes.ByLong{}},
		{"union enum red", &alltypes.ByColor{Disc: alltypes.Red, Warm: alltypes.Inner{Name: "r", Hue: alltypes.Green}}, &alltypes.ByColor{}},
		{"union enum blue", &alltypes.ByColor{Disc: alltypes.Blue, Cold: []int32{9, 8}}, &alltypes.ByColor{}},
		{"union enum without member", &alltypes.ByColor{Disc: alltypes.Green}, &alltypes.ByColor{}},
		{"union bool true", &alltypes.ByBool{Disc: true, Yes: "yes"}, &alltypes.ByBool{}},
		{"union bool false", &alltypes.ByBool{Disc: false, No: 3}, &alltypes.ByBool{}},
		{"union char nested union", &alltypes.ByChar{Disc: 'b', Nested: alltypes.ByLong{Disc: 10, Text: "in"}}, &alltypes.ByChar{}},
		{"exception", &alltypes.Failure{Code: 42, Reason: "because"}, &alltypes.Failure{}},
		{"empty exception", &alltypes.Empty{}, &alltypes.Empty{}},
		{"nested module struct", &alltypes.NestedLeaf{Depth: 3}, &alltypes.NestedLeaf{}},
	}
}

func TestRoundTripBothByteOrders(t *testing.T) {
	for _, tc := range roundTripCases() {
		for _, little := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: "/big-endian", true: "/little-endian"}[little], func(t *testing.T) {
				// Start at offset 1 so alignment padding is exercised.
				e := cdr.NewEncoderAt(little, 1)
				tc.in.MarshalCDR(e)
				require.NoError(t, e.Err())
				d := cdr.NewDecoderAt(e.Bytes(), little, 1)
				out := tc.empty
				require.NoError(t, out.UnmarshalCDR(d))
				assert.Equal(t, tc.in, out)
				assert.Zero(t, d.Remaining(), "every byte is consumed")
			})
		}
	}
}

// The exact bytes, so a marshaller and unmarshaller that agree on a wrong
// layout still fail.
func TestWireLayout(t *testing.T) {
	tests := []struct {
		name   string
		in     codec
		little bool
		want   []byte
	}{
		{"struct with string and enum, big-endian", &alltypes.Inner{Name: "ab", Hue: alltypes.Blue}, false,
			[]byte{0, 0, 0, 3, 'a', 'b', 0, 0, 0, 0, 0, 2}},
		{"struct with string and enum, little-endian", &alltypes.Inner{Name: "ab", Hue: alltypes.Blue}, true,
			[]byte{3, 0, 0, 0, 'a', 'b', 0, 0, 2, 0, 0, 0}},
		{"union with long discriminator", &alltypes.ByLong{Disc: 1, Small: 5}, false,
			[]byte{0, 0, 0, 1, 0, 0, 0, 5}},
		{"union with boolean discriminator", &alltypes.ByBool{Disc: false, No: 1}, false,
			[]byte{0, 0, 0, 0, 0, 0, 0, 1}},
		{"leaf in nested module", &alltypes.NestedLeaf{Depth: 258}, false, []byte{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := cdr.NewEncoder(tc.little)
			tc.in.MarshalCDR(e)
			require.NoError(t, e.Err())
			assert.Equal(t, tc.want, e.Bytes())
		})
	}
}

func kindOf(err error) cdr.Kind {
	var ce *cdr.Error
	if errors.As(err, &ce) {
		return ce.Kind
	}
	return ""
}

func TestBoundsAndBadInput(t *testing.T) {
	t.Run("string bound on encode", func(t *testing.T) {
		e := cdr.NewEncoder(false)
		(&alltypes.Inner{Name: "123456789"}).MarshalCDR(e)
		assert.Equal(t, cdr.KindBadParam, kindOf(e.Err()))
	})
	t.Run("string bound on decode", func(t *testing.T) {
		// A peer that ignores the bound: 9 characters in a string<8>.
		e := cdr.NewEncoder(false)
		e.WriteString("123456789")
		e.WriteULong(0)
		assert.Equal(t, cdr.KindMarshal, kindOf((&alltypes.Inner{}).UnmarshalCDR(cdr.NewDecoder(e.Bytes(), false))))
	})
	t.Run("sequence bound on encode", func(t *testing.T) {
		c := sampleContainers()
		c.Inners = make([]alltypes.Inner, 4)
		e := cdr.NewEncoder(false)
		c.MarshalCDR(e)
		assert.Equal(t, cdr.KindBadParam, kindOf(e.Err()))
	})
	t.Run("octet sequence bound on encode", func(t *testing.T) {
		c := sampleContainers()
		c.Bytes = make([]byte, 17)
		e := cdr.NewEncoder(false)
		c.MarshalCDR(e)
		assert.Equal(t, cdr.KindBadParam, kindOf(e.Err()))
	})
	t.Run("wstring bound on encode", func(t *testing.T) {
		c := sampleContainers()
		c.Wide = "12345"
		e := cdr.NewEncoder(false)
		c.MarshalCDR(e)
		assert.Equal(t, cdr.KindBadParam, kindOf(e.Err()))
	})
	t.Run("enum out of range", func(t *testing.T) {
		var c alltypes.Color
		assert.Equal(t, cdr.KindMarshal, kindOf(c.UnmarshalCDR(cdr.NewDecoder([]byte{0, 0, 0, 3}, false))))
	})
	t.Run("forged sequence length", func(t *testing.T) {
		var tr alltypes.Tree
		d := cdr.NewDecoder([]byte{0, 0, 0, 1, 'x', 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}, false)
		assert.Equal(t, cdr.KindMarshal, kindOf(tr.UnmarshalCDR(d)))
	})
	t.Run("every truncation fails cleanly", func(t *testing.T) {
		e := cdr.NewEncoder(false)
		sampleContainers().MarshalCDR(e)
		full := e.Bytes()
		for i := 0; i < len(full); i++ {
			var c alltypes.Containers
			assert.Error(t, c.UnmarshalCDR(cdr.NewDecoder(full[:i], false)), "prefix of %d bytes", i)
		}
	})
}

func TestEnumsAndConstants(t *testing.T) {
	assert.Equal(t, "Green", alltypes.Green.String())
	assert.Equal(t, "Color(7)", alltypes.Color(7).String())
	assert.Equal(t, int32(42), alltypes.Answer)
	assert.Equal(t, uint64(18446744073709551615), alltypes.Big)
	assert.Equal(t, int16(19), alltypes.Shifted)
	assert.Equal(t, 3.14159, alltypes.Pi)
	assert.Equal(t, float32(0.5), alltypes.Half)
	assert.Equal(t, "hello, world", alltypes.Greeting)
	assert.Equal(t, byte('A'), alltypes.Letter)
	assert.Equal(t, 'é', alltypes.WLetter)
	assert.Equal(t, uint8(255), alltypes.Mask)
	assert.Equal(t, alltypes.Green, alltypes.Favourite)
	assert.Equal(t, int32(43), alltypes.NestedLevel)
	assert.Equal(t, "IDL:concord.test/AllTypes/Failure:1.0", (&alltypes.Failure{}).RepositoryID())
	assert.Contains(t, (&alltypes.Failure{Code: 3, Reason: "x"}).Error(), "AllTypes::Failure")
}

// Arbitrary bytes never panic the generated decoders, in either byte order.
func FuzzUnmarshal(f *testing.F) {
	e := cdr.NewEncoder(false)
	sampleContainers().MarshalCDR(e)
	f.Add(e.Bytes(), false)
	f.Add([]byte{0, 0, 0, 10, 0, 0, 0, 3, 'a', 'b', 0}, true)
	f.Fuzz(func(t *testing.T, b []byte, little bool) {
		for _, v := range []codec{&alltypes.Containers{}, &alltypes.Tree{}, &alltypes.ByChar{}, &alltypes.ByColor{}, &alltypes.Basics{}} {
			_ = v.UnmarshalCDR(cdr.NewDecoder(b, little))
		}
	})
}
