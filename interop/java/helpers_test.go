package javainterop

import (
	"bufio"
	"bytes"
	"context"
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

// workDir holds what is built once per test run and shared by every test.
var workDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "concord-java-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// classpaths are the two Java runtime classpaths the Maven build writes.
type classpaths struct{ JacORB, GlassFish string }

var (
	mavenOnce sync.Once
	mavenCP   classpaths
	mavenErr  error
)

// javaBuild builds the Maven project once per run and returns the
// classpaths; it fails (CI) or skips (locally) without java and mvn.
func javaBuild(t testing.TB) classpaths {
	t.Helper()
	testtools.LookPath(t, "java", "Debian package openjdk-17-jdk-headless")
	testtools.LookPath(t, "mvn", "Debian package maven")
	mavenOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "mvn", "-q", "-B", "package", "-DskipTests")
		cmd.Dir = "."
		out, err := cmd.CombinedOutput()
		if err != nil {
			mavenErr = fmt.Errorf("mvn -q -B package -DskipTests: %v\n%s", err, tail(string(out), 40))
			return
		}
		classes, err := filepath.Abs("target/classes")
		if err != nil {
			mavenErr = err
			return
		}
		read := func(name string) string {
			b, err := os.ReadFile(filepath.Join("target", name))
			if err != nil && mavenErr == nil {
				mavenErr = fmt.Errorf("maven build wrote no %s: %w", name, err)
			}
			return classes + string(os.PathListSeparator) + strings.TrimSpace(string(b))
		}
		mavenCP = classpaths{JacORB: read("jacorb.deps"), GlassFish: read("glassfish.deps")}
	})
	require.NoError(t, mavenErr)
	return mavenCP
}

// orbClasspath picks the classpath of a Java ORB by its -Dconcord.orb name.
func (c classpaths) of(orbName string) string {
	if orbName == "glassfish" {
		return c.GlassFish
	}
	return c.JacORB
}

// runJava runs a main class of the Maven project with one ORB and returns
// its standard output; stderr (the ORB's logging) is only shown on failure.
func runJava(t testing.TB, cp classpaths, orbName, mainClass string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	jargs := append([]string{"-cp", cp.of(orbName), "-Dconcord.orb=" + orbName, "concord.interop." + mainClass}, args...)
	cmd := exec.CommandContext(ctx, "java", jargs...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("java %s (%s): %v\nstdout:\n%s\nstderr (last lines):\n%s",
			mainClass, orbName, err, stdout.String(), tail(stderr.String(), 30))
	}
	return stdout.String(), err
}

// process is a child process whose output is kept for failure reports.
type process struct {
	cmd *exec.Cmd
	out *testtools.SyncBuffer
}

// start runs cmd until the test ends, then kills it; if the test failed,
// the process's last output lines are logged.
func start(t testing.TB, name string, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{cmd: cmd, out: &testtools.SyncBuffer{}}
	if cmd.Stdout == nil {
		cmd.Stdout = p.out
	}
	cmd.Stderr = p.out
	require.NoError(t, cmd.Start(), "start %s", name)
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output (last lines):\n%s", name, tail(p.out.String(), 30))
		}
	})
	return p
}

// waitFile polls for a non-empty file, for at most timeout.
func waitFile(t testing.TB, path string, timeout time.Duration, p *process) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not written within %v; process output:\n%s", path, timeout, tail(p.out.String(), 30))
	return ""
}

// benchServer starts `concord bench-server` on an ephemeral loopback port
// and returns its IOR file and address.
func benchServer(t testing.TB) (iorFile string, addr ior.Address) {
	t.Helper()
	bin := testtools.ConcordBinary(t)
	iorFile = filepath.Join(t.TempDir(), "echo.ior")
	p := start(t, "concord bench-server",
		exec.Command(bin, "bench-server", "--listen", "127.0.0.1:0", "--ior-file", iorFile))
	return iorFile, iorAddress(t, waitFile(t, iorFile, 10*time.Second, p))
}

// iorAddress is the first IIOP address of a stringified IOR.
func iorAddress(t testing.TB, s string) ior.Address {
	t.Helper()
	_, addr := iorKeyAddress(t, s)
	return addr
}

func iorKeyAddress(t testing.TB, s string) ([]byte, ior.Address) {
	t.Helper()
	r, err := ior.Parse(s)
	require.NoError(t, err)
	profiles, err := r.IIOPProfiles()
	require.NoError(t, err)
	require.NotEmpty(t, profiles, "IOR has no IIOP profile")
	addrs := profiles[0].Addresses()
	require.NotEmpty(t, addrs)
	return profiles[0].ObjectKey, addrs[0]
}

// javaServer starts a Java ORB's BenchServer and returns its IOR. The
// server exits when its stdin closes, and is killed at cleanup anyway.
func javaServer(t testing.TB, cp classpaths, orbName string) string {
	t.Helper()
	iorFile := filepath.Join(t.TempDir(), "java-echo.ior")
	// Listen on loopback only (and put 127.0.0.1 in the IOR).
	listen := map[string]string{"jacorb": "-DOAIAddr=127.0.0.1", "glassfish": "-Dcom.sun.corba.ee.ORBServerHost=127.0.0.1"}
	cmd := exec.Command("java", "-cp", cp.of(orbName), "-Dconcord.orb="+orbName,
		listen[orbName], "concord.interop.BenchServer", iorFile)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	t.Cleanup(func() { _ = stdin.Close() })
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := start(t, "java BenchServer ("+orbName+")", cmd)
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		ok := false
		for sc.Scan() {
			if sc.Text() == "ready" && !ok {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		require.True(t, ok, "BenchServer exited before it was ready:\n%s", tail(p.out.String(), 30))
	case <-time.After(60 * time.Second):
		t.Fatalf("BenchServer not ready within 60s:\n%s", tail(p.out.String(), 30))
	}
	return waitFile(t, iorFile, time.Second, p)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
