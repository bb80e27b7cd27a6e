package postcodes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalise(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"compact lower", "sw1a1aa", "SW1A 1AA"},
		{"padded", " SW1A 1AA ", "SW1A 1AA"},
		{"many spaces", "SW1A   1AA", "SW1A 1AA"},
		{"tabs", "\tm1 1ae\n", "M1 1AE"},
		{"A9", "M11AE", "M1 1AE"},
		{"A99", "M601NW", "M60 1NW"},
		{"AA9", "CR26XH", "CR2 6XH"},
		{"AA99", "DN551PT", "DN55 1PT"},
		{"A9A", "W1A1HQ", "W1A 1HQ"},
		{"AA9A", "EC1A1BB", "EC1A 1BB"},
		{"Girobank", "gir0aa", "GIR 0AA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalise(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestNormaliseRejects(t *testing.T) {
	cases := map[string]string{
		"empty":                 "",
		"too short":             "M1 1A",
		"too long":              "SW1A 1AAA",
		"outward only":          "SW1A",
		"digit first":           "1A 1AA",
		"Q first":               "QA1 1AA",
		"Z second":              "AZ1 1AA",
		"inward letter first":   "SW1A AAA",
		"C in inward":           "SW1A 1CA",
		"bad 3rd letter A9A":    "W1I 1AA",
		"bad 4th letter AA9A":   "EC1C 1BB",
		"punctuation":           "SW1A-1AA",
		"non-ASCII":             "SW1Ä 1AA",
		"letters where digit":   "SWAA 1AA",
		"five-char outward":     "SW1AA 1AA",
		"injection-ish garbage": "../etc/passwd",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Normalise(in)
			require.ErrorIs(t, err, ErrInvalidFormat)
		})
	}
}

func TestNormaliseOutcode(t *testing.T) {
	got, err := NormaliseOutcode(" sw1a ")
	require.NoError(t, err)
	assert.Equal(t, "SW1A", got)
	for _, bad := range []string{"", "S", "1A", "SW1A1", "SW1A 1AA"} {
		_, err := NormaliseOutcode(bad)
		assert.ErrorIs(t, err, ErrInvalidFormat, bad)
	}
}

func TestSplit(t *testing.T) {
	o, i := Split("EC1A 1BB")
	assert.Equal(t, "EC1A", o)
	assert.Equal(t, "1BB", i)
}

func TestNewAddress(t *testing.T) {
	cases := []struct {
		name                      string
		district, region, country string
		wantLine                  string
	}{
		{"district and region", "Westminster", "London", "England", "Westminster, London"},
		{"region missing uses country", "City of Edinburgh", "", "Scotland", "City of Edinburgh, Scotland"},
		{"no repeat", "Cardiff", "Cardiff", "Wales", "Cardiff"},
		{"district missing", "", "London", "England", "London"},
		{"nothing", "", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := NewAddress("SW1A 1AA", " "+c.district+" ", c.region, c.country, 51.5010094, -0.1415634)
			assert.Equal(t, c.wantLine, a.Line)
			assert.Equal(t, 51.501009, a.Latitude)
			assert.Equal(t, -0.141563, a.Longitude)
			b := NewAddress("SW1A 1AA", c.district, c.region, c.country, 51.50100935, -0.14156341)
			assert.Equal(t, a, b, "same place, same value: Address must be comparable")
		})
	}
}
