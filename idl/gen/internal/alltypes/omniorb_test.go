package alltypes_test

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop/orb"
	"concord/idl/gen/internal/alltypes"
	"concord/internal/testtools"
)

// startOmniEcho builds idl/testdata/omniecho/server.cc against omniidl's C++
// code for the same IDL, starts it and returns its IOR.
func startOmniEcho(t *testing.T) string {
	t.Helper()
	bin := buildOmniProgram(t, "server.cc", "omniecho")

	// Loopback only, ephemeral port.
	cmd := exec.Command(bin, "-ORBendPoint", "giop:tcp:127.0.0.1:")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case ior := <-line:
		require.True(t, strings.HasPrefix(ior, "IOR:"), "omniecho printed %q; stderr: %s", ior, stderr.String())
		return ior
	case <-time.After(20 * time.Second):
		t.Fatalf("omniecho printed no IOR in 20s; stderr: %s", stderr.String())
	}
	return ""
}

// buildOmniProgram compiles idl/testdata/omniecho/<source> with omniidl's C++
// code for alltypes.idl and returns the path of the binary, named name.
func buildOmniProgram(t *testing.T, source, name string) string {
	t.Helper()
	omniidl := testtools.OmniIDL(t)
	testtools.LookPath(t, "g++", "Debian package g++")
	testtools.LookPath(t, "pkg-config", "Debian package pkg-config")
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "omniORB4").Output()
	if err != nil {
		testtools.Missing(t, "pkg-config omniORB4", "Debian package libomniorb4-dev")
	}
	dir := t.TempDir()
	idl, err := filepath.Abs("../../../testdata/alltypes.idl")
	require.NoError(t, err)
	src, err := filepath.Abs(filepath.Join("../../../testdata/omniecho", source))
	require.NoError(t, err)
	out, err := exec.Command(omniidl, "-bcxx", "-C"+dir, idl).CombinedOutput()
	require.NoError(t, err, "omniidl: %s", out)
	bin := filepath.Join(dir, name)
	args := append([]string{"-w", "-O0", "-o", bin, "-I" + dir, src, filepath.Join(dir, "alltypesSK.cc")}, strings.Fields(string(flags))...)
	out, err = exec.Command("g++", args...).CombinedOutput()
	require.NoError(t, err, "g++: %s", out)
	return bin
}

// TestAgainstOmniORB sends every generated type through a real omniORB C++
// server built from the same IDL and checks that it comes back unchanged,
// and that omniORB's user and system exceptions decode into Go types.
func TestAgainstOmniORB(t *testing.T) {
	ior := startOmniEcho(t)
	cl := orb.NewClient(orb.ClientConfig{DialTimeout: 5 * time.Second})
	t.Cleanup(func() { cl.Close() })
	ref, err := cl.StringToObject(ior)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stub := alltypes.NewWidgetStub(ref)
	checkWidget(ctx, t, stub)
	require.NoError(t, stub.Notify(ctx, "event"))
}
