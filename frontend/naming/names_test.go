package naming

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseName(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Name
		ok   bool
	}{
		{"plain id", "DEMS", Name{{"DEMS", ""}}, true},
		{"id and kind", "DEMS.service", Name{{"DEMS", "service"}}, true},
		{"two components", "a.b/c", Name{{"a", "b"}, {"c", ""}}, true},
		{"kind only", ".k", Name{{"", "k"}}, true},
		{"escaped separators", `a\/b\.c\\d.k`, Name{{`a/b.c\d`, "k"}}, true},
		{"trailing dot is an empty kind", "a.", Name{{"a", ""}}, true},
		{"empty", "", nil, false},
		{"empty component", "a//b", nil, false},
		{"trailing slash", "a/", nil, false},
		{"two dots", "a.b.c", nil, false},
		{"trailing backslash", `a\`, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseName(tc.in)
			if !tc.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			back, err := ParseName(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back, "String then ParseName round-trips")
		})
	}
}

func TestNameString(t *testing.T) {
	cases := []struct {
		name string
		in   Name
		want string
	}{
		{"id", Name{{"x", ""}}, "x"},
		{"id.kind", Name{{"x", "y"}}, "x.y"},
		{"escapes", Name{{"a/b", "c.d"}}, `a\/b.c\.d`},
		{"path", Name{{"a", ""}, {"b", "k"}}, "a/b.k"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.in.String())
		})
	}
}

func TestURLEscape(t *testing.T) {
	assert.Equal(t, "a.b/c", urlEscape("a.b/c"))
	assert.Equal(t, "a%20b%5C%25", urlEscape(`a b\%`))
}
