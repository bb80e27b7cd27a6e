package pythoninterop

import (
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

// repoRoot is the module root, relative to this package's directory.
const repoRoot = "../.."

// pipHint is how omniORBpy gets installed (see README.md).
const pipHint = "python3 -m pip install -r interop/python/requirements.txt"

var workDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "concord-python-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// python is the interpreter with omniORBpy: $CONCORD_PYTHON, else python3.
func python(t testing.TB) string {
	t.Helper()
	name := os.Getenv("CONCORD_PYTHON")
	if name == "" {
		name = "python3"
	}
	p := testtools.LookPath(t, name, "python3 (Debian package python3)")
	if err := exec.Command(p, "-c", "import omniORB.CORBA, omniidl.main").Run(); err != nil {
		testtools.Missing(t, "omniORBpy and omniidl for "+p, pipHint)
	}
	return p
}

var (
	stubsOnce sync.Once
	stubsDir  string
	stubsErr  error
)

// stubs runs omniidl -bpython once per run over idl/*.idl. omniidl is run
// through the interpreter so that its Python back end is the one installed
// with omniORBpy (Debian's omniidl has none).
func stubs(t testing.TB, py string) string {
	t.Helper()
	stubsOnce.Do(func() {
		stubsDir = filepath.Join(workDir, "stubs")
		if stubsErr = os.MkdirAll(stubsDir, 0o755); stubsErr != nil {
			return
		}
		idl := filepath.Join(repoRoot, "idl")
		args := []string{"-c", "import sys; from omniidl.main import main; sys.argv[0] = 'omniidl'; main()",
			"-bpython", "-C", stubsDir, "-I" + idl}
		for _, f := range []string{"bench.idl", "dems.idl", "justhungry.idl"} {
			args = append(args, filepath.Join(idl, f))
		}
		out, err := exec.Command(py, args...).CombinedOutput()
		if err != nil {
			stubsErr = fmt.Errorf("omniidl -bpython: %v\n%s", err, out)
		}
	})
	require.NoError(t, stubsErr)
	return stubsDir
}

// runPython runs one of this directory's programs with the stub directory
// as its first argument and returns its standard output.
func runPython(t testing.TB, py, script string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{script, stubs(t, py)}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s: %v\nstdout:\n%s\nstderr (last lines):\n%s", script, err, stdout.String(), tail(stderr.String(), 30))
	}
	return stdout.String(), err
}

// benchServer starts `concord bench-server` on an ephemeral loopback port.
func benchServer(t testing.TB) (iorFile string, addr ior.Address) {
	t.Helper()
	iorFile = filepath.Join(t.TempDir(), "echo.ior")
	var out bytes.Buffer
	cmd := exec.Command(testtools.ConcordBinary(t), "bench-server", "--listen", "127.0.0.1:0", "--ior-file", iorFile)
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("bench-server output:\n%s", tail(out.String(), 30))
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(iorFile); err == nil && len(bytes.TrimSpace(b)) > 0 {
			r, err := ior.Parse(strings.TrimSpace(string(b)))
			require.NoError(t, err)
			profiles, err := r.IIOPProfiles()
			require.NoError(t, err)
			require.NotEmpty(t, profiles)
			return iorFile, profiles[0].Addresses()[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("bench-server wrote no IOR file within 10s")
	return "", ior.Address{}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
