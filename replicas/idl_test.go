package replicas_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"concord/internal/testtools"
)

// TestServiceIDLCompilesWithOmniORB proves the service contracts are
// acceptable to another ORB: omniidl must translate each file without a
// single warning (warnings flag constructs such as identifiers that collide
// with keywords, which JacORB rejects outright) and the generated C++ must
// compile against omniORB's headers.
func TestServiceIDLCompilesWithOmniORB(t *testing.T) {
	omniidl := testtools.OmniIDL(t)
	gxx := testtools.LookPath(t, "g++", "Debian package g++")
	pkgConfig := testtools.LookPath(t, "pkg-config", "Debian package pkg-config")
	cflags, err := exec.Command(pkgConfig, "--cflags", "omniORB4").Output()
	if err != nil {
		testtools.Missing(t, "pkg-config omniORB4", "Debian package libomniorb4-dev")
	}

	_, self, _, ok := runtime.Caller(0)
	require.True(t, ok)
	idlDir := filepath.Join(filepath.Dir(self), "..", "idl")

	for _, name := range []string{"dems", "justhungry"} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			var stderr bytes.Buffer
			cmd := exec.Command(omniidl, "-bcxx", "-C"+out, filepath.Join(idlDir, name+".idl"))
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Run(), "omniidl: %s", stderr.String())
			require.Empty(t, strings.TrimSpace(stderr.String()), "omniidl must not warn")

			args := append(strings.Fields(string(cflags)), "-c", "-I"+out,
				filepath.Join(out, name+"SK.cc"), "-o", filepath.Join(out, name+".o"))
			gcc, err := exec.Command(gxx, args...).CombinedOutput()
			require.NoError(t, err, "g++ on omniidl's output:\n%s", gcc)
		})
	}
}
