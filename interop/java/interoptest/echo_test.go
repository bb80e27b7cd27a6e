package interoptest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuote(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", `""`},
		{"ascii", "hello", `"hello"`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"control", "a\nb", `"a\u000ab"`},
		{"latin-1", "caf\u00e9", `"caf\u00e9"`},
		{"outside the BMP as two UTF-16 units", "\U0001F600", `"\ud83d\ude00"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Quote(tc.in))
		})
	}
}

func TestSplitRefs(t *testing.T) {
	got := SplitRefs("ref A\nping() -> ok\nref corbaloc:iiop:h:1/Echo\nadd(1, 2) -> 3\nx\n")
	assert.Equal(t, map[string]string{"A": "ping() -> ok\n", "corbaloc:iiop:h:1/Echo": "add(1, 2) -> 3\nx\n"}, got)
}
