package omni

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop/ior"
	"concord/internal/testtools"
)

// repoRoot is the module root, relative to this package's directory (where
// go test runs).
const repoRoot = "../.."

// workDir holds binaries built once per test run and shared by every test.
var workDir string

func TestMain(m *testing.M) {
	flag.Parse()
	if *floorServe != "" {
		err := serveFloorUntilKilled(*floorServe)
		fmt.Fprintln(os.Stderr, "floor server:", err)
		os.Exit(1)
	}
	d, err := os.MkdirTemp("", "concord-omni-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// omniBins are the omniORB C++ programs built from cpp/.
type omniBins struct{ Server, Client, Load string }

var (
	omniOnce  sync.Once
	omniBuilt omniBins
	omniErr   error
)

// requireOmniTools fails (CI) or skips (locally) unless the omniORB
// toolchain is installed.
func requireOmniTools(t testing.TB) {
	t.Helper()
	omniidl = testtools.OmniIDL(t)
	testtools.LookPath(t, "g++", "Debian package g++")
	testtools.LookPath(t, "pkg-config", "Debian package pkg-config")
	if err := exec.Command("pkg-config", "--exists", "omniORB4").Run(); err != nil {
		testtools.Missing(t, "pkg-config omniORB4", "Debian package libomniorb4-dev")
	}
}

// buildOmni compiles the IDL stubs and the three C++ programs, once per run.
func buildOmni(t testing.TB) omniBins {
	t.Helper()
	requireOmniTools(t)
	omniOnce.Do(func() { omniBuilt, omniErr = compileOmni() })
	require.NoError(t, omniErr, "building the omniORB C++ programs")
	return omniBuilt
}

func compileOmni() (omniBins, error) {
	dir := filepath.Join(workDir, "omni")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return omniBins{}, err
	}
	cppDir, err := filepath.Abs("cpp")
	if err != nil {
		return omniBins{}, err
	}
	benchIDL, err := filepath.Abs(filepath.Join(repoRoot, "idl", "bench.idl"))
	if err != nil {
		return omniBins{}, err
	}
	for _, idl := range []string{benchIDL, filepath.Join(cppDir, "probe.idl")} {
		if err := testtools.Run(dir, omniidl, "-bcxx", idl); err != nil {
			return omniBins{}, err
		}
	}
	pc, err := exec.Command("pkg-config", "--cflags", "--libs", "omniORB4").Output()
	if err != nil {
		return omniBins{}, fmt.Errorf("pkg-config omniORB4: %w", err)
	}
	flags := strings.Fields(string(pc))
	// Stubs first (shared by all three programs), then the programs, two at a
	// time: the machine has two cores.
	if err := testtools.Parallel(
		gxx(dir, "-c", "-o", "benchSK.o", "benchSK.cc"),
		gxx(dir, "-c", "-o", "probeSK.o", "probeSK.cc"),
	); err != nil {
		return omniBins{}, err
	}
	b := omniBins{
		Server: filepath.Join(dir, "echo_server"),
		Client: filepath.Join(dir, "echo_client"),
		Load:   filepath.Join(dir, "load_client"),
	}
	var jobs []func() error
	for _, out := range []string{b.Server, b.Client, b.Load} {
		src := filepath.Join(cppDir, filepath.Base(out)+".cc")
		args := append([]string{"-o", out, src, "benchSK.o", "probeSK.o"}, flags...)
		jobs = append(jobs, gxx(dir, args...))
	}
	return b, testtools.Parallel(jobs...)
}

func gxx(dir string, args ...string) func() error {
	return func() error {
		return testtools.Run(dir, "g++", append([]string{"-O2", "-std=c++17", "-pthread", "-I", dir}, args...)...)
	}
}

// proc is a background process whose output is kept for failure messages.
type proc struct {
	cmd  *exec.Cmd
	out  *testtools.SyncBuffer
	done chan struct{}
}

// tail returns the last n lines of the process output.
func (p *proc) tail(n int) string {
	lines := strings.Split(strings.TrimRight(p.out.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startProc starts a long-running process, killed when the test ends.
func startProc(t testing.TB, name string, args ...string) *proc {
	t.Helper()
	return startProcOn(t, anyCPU, name, args...)
}

// startProcOn is startProc with the process kept to cpus.
func startProcOn(t testing.TB, cpus cpuList, name string, args ...string) *proc {
	t.Helper()
	name, args = cpus.command(name, args...)
	p := &proc{cmd: exec.Command(name, args...), out: &testtools.SyncBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	require.NoError(t, p.cmd.Start())
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitFile waits (bounded) for a process to write a non-empty file ending in
// a newline, failing with the process's last lines.
func waitFile(t testing.TB, p *proc, path string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 && b[len(b)-1] == '\n' {
			return strings.TrimSpace(string(b))
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited before writing %s:\n%s", p.cmd.Path, path, p.tail(20))
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not write %s within 15s:\n%s", p.cmd.Path, path, p.tail(20))
	return ""
}

// omniServer is a running omniORB echo_server.
type omniServer struct {
	Echo, Probe, Fwd string // stringified IORs
	Addr             ior.Address
	proc             *proc
}

// startOmniServer runs echo_server on an ephemeral loopback port; orbArgs are
// extra -ORB options.
func startOmniServer(t testing.TB, bins omniBins, orbArgs ...string) *omniServer {
	t.Helper()
	return startOmniServerOn(t, bins, anyCPU, orbArgs...)
}

// startOmniServerOn is startOmniServer with the server kept to cpus.
func startOmniServerOn(t testing.TB, bins omniBins, cpus cpuList, orbArgs ...string) *omniServer {
	t.Helper()
	dir := t.TempDir()
	iorFile, refsFile := filepath.Join(dir, "echo.ior"), filepath.Join(dir, "refs")
	args := append([]string{"-ior", iorFile, "-refs", refsFile, "-ORBendPoint", "giop:tcp:127.0.0.1:"}, orbArgs...)
	p := startProcOn(t, cpus, bins.Server, args...)
	s := &omniServer{Echo: waitFile(t, p, iorFile), proc: p}
	refs, err := os.ReadFile(refsFile)
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(refs))
	for sc.Scan() {
		name, ref, _ := strings.Cut(sc.Text(), " ")
		switch name {
		case "probe":
			s.Probe = ref
		case "fwd":
			s.Fwd = ref
		}
	}
	s.Addr = iorAddress(t, s.Echo)
	return s
}

// iorAddress returns the address of the first IIOP profile of a stringified IOR.
func iorAddress(t testing.TB, s string) ior.Address {
	t.Helper()
	r, err := ior.Parse(s)
	require.NoError(t, err)
	ps, err := r.IIOPProfiles()
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	return ior.Address{Host: ps[0].Host, Port: ps[0].Port}
}

// runClient runs a short-lived program to completion (bounded) and returns
// its combined output and error.
func runClient(t testing.TB, timeout time.Duration, name string, args ...string) (string, error) {
	t.Helper()
	return runCmd(timeout, name, args...)
}

// runCmd is runClient for use off the test goroutine.
func runCmd(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %v: %w", filepath.Base(name), timeout, ctx.Err())
	}
	return string(out), err
}

// omniidl is the omniidl to run (testtools.OmniIDL picks Debian's).
var omniidl = "omniidl"
