package scenario

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		err      string
	}{
		{"words", "DEMS bookEvent  MTLC0001\tX", []string{"DEMS", "bookEvent", "MTLC0001", "X"}, ""},
		{"quoted keeps quotes and blanks", `a "SW1A 1AA" b`, []string{"a", `"SW1A 1AA"`, "b"}, ""},
		{"escaped quote", `"a\"b" c`, []string{`"a\"b"`, "c"}, ""},
		{"empty string", `x ""`, []string{"x", `""`}, ""},
		{"unterminated", `x "abc`, nil, "unterminated"},
		{"escape at end", `x "abc\"`, nil, "unterminated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Tokenize(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestUnquote(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bare word unchanged", `abc`, "abc"},
		{"quotes removed", `"SW1A 1AA"`, "SW1A 1AA"},
		{"escapes", `"a\"b\\c"`, `a"b\c`},
		{"unicode escape", `"caf\u00e9"`, "café"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"unknown escape kept", `"a\nb"`, `a\nb`},
		{"bad hex kept", `"\uzzzz"`, `\uzzzz`},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Unquote(tc.in)) })
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Call
		err      string
	}{
		{"comments and blanks skipped", "# c\n\n  DEMS getBookingSchedule X\n", []Call{{Line: 3, Service: "DEMS", Op: "getBookingSchedule", Args: []string{"X"}}}, ""},
		{"binding", `o = JustHungry getOrders "a b"`, []Call{{Line: 1, Bind: "o", Service: "JustHungry", Op: "getOrders", Args: []string{`"a b"`}}}, ""},
		{"no operation", "DEMS\n", nil, "line 1: want"},
		{"binding without call", "x = DEMS\n", nil, "line 1: want"},
		{"bad string names line", "# x\nDEMS op \"abc\n", nil, "line 2: unterminated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			for i := range got {
				if len(got[i].Args) == 0 {
					got[i].Args = nil
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
