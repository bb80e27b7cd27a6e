package interoptest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitRefs(t *testing.T) {
	got := SplitRefs("ref A\nping() -> ok\nref corbaloc:iiop:h:1/Echo\nadd(1, 2) -> 3\nx\n")
	assert.Equal(t, map[string]string{"A": "ping() -> ok\n", "corbaloc:iiop:h:1/Echo": "add(1, 2) -> 3\nx\n"}, got)
}
