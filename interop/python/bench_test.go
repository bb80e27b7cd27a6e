package pythoninterop

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/benchecho"
	"concord/interop/java/interoptest"
)

// TestPythonClientCallsConcord runs the omniORBpy bench client against
// `concord bench-server` by IOR file and by corbaloc (no version: GIOP 1.0
// to omniORB; 1.1; 1.2), including a 100 KB string, which omniORB sends in
// fragments.
func TestPythonClientCallsConcord(t *testing.T) {
	py := python(t)
	iorFile, addr := benchServer(t)
	loc := func(version string) string {
		return fmt.Sprintf("corbaloc:iiop:%s%s/%s", version, addr, benchecho.ObjectKey)
	}
	basic := []interoptest.EchoCall{
		interoptest.Ping(),
		interoptest.Add(2, 3),
		interoptest.Add(math.MaxInt32, 1),
		interoptest.Add(-7, -8),
		interoptest.EchoString("hello"),
		interoptest.EchoString(""),
		interoptest.EchoString(`quote " and \ backslash`),
		interoptest.EchoString("caf\u00e9"),
		interoptest.EchoLen(100 * 1024),
	}
	cases := []struct {
		name  string
		ref   string
		calls []interoptest.EchoCall
	}{
		// Only the IOR's code set components let UTF-8 be negotiated.
		{"ior-file", "file:" + iorFile, append(basic, interoptest.EchoString("\u20ac \u4e2d\u6587"))},
		{"corbaloc-no-version", loc(""), basic},
		{"corbaloc-1.1", loc("1.1@"), basic},
		{"corbaloc-1.2", loc("1.2@"), basic},
	}
	var args []string
	for _, tc := range cases {
		args = append(append(args, tc.ref), interoptest.Specs(tc.calls)...)
	}
	out, err := runPython(t, py, "bench_client.py", args...)
	require.NoError(t, err)
	got := interoptest.SplitRefs(out)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, interoptest.Wants(tc.calls), got[tc.ref])
		})
	}
}
