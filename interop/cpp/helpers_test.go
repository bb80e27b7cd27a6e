package cppinterop

import (
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

	"concord/internal/testtools"
)

// repoRoot is the module root, relative to this package's directory (where
// go test runs).
const repoRoot = "../.."

// workDir holds the program built once per test run.
var workDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "concord-cpp-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// scenarioBin builds the C++ scenario program once per run; it fails (CI) or
// skips (locally) when the omniORB toolchain is missing.
func scenarioBin(t testing.TB) string {
	t.Helper()
	omniidl := testtools.OmniIDL(t)
	testtools.LookPath(t, "g++", "Debian package g++")
	testtools.LookPath(t, "pkg-config", "Debian package pkg-config")
	if err := exec.Command("pkg-config", "--exists", "omniDynamic4").Run(); err != nil {
		testtools.Missing(t, "pkg-config omniDynamic4", "Debian package libomniorb4-dev")
	}
	buildOnce.Do(func() { builtBin, buildErr = build(omniidl) })
	require.NoError(t, buildErr, "building the omniORB C++ scenario program")
	return builtBin
}

func build(omniidl string) (string, error) {
	dir := filepath.Join(workDir, "build")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	src, err := filepath.Abs("src")
	if err != nil {
		return "", err
	}
	// -Wba: TypeCodes and Any operators, which the canonical printer walks
	// with DynAny. The C++ backend takes one IDL file per run.
	for _, idl := range []string{"dems.idl", "justhungry.idl"} {
		if err := testtools.Run(dir, omniidl, "-bcxx", "-Wba", filepath.Join(src, "..", repoRoot, "idl", idl)); err != nil {
			return "", err
		}
	}
	pc, err := exec.Command("pkg-config", "--cflags", "--libs", "omniDynamic4").Output()
	if err != nil {
		return "", fmt.Errorf("pkg-config omniDynamic4: %w", err)
	}
	units := []string{
		filepath.Join(dir, "demsSK.cc"), filepath.Join(dir, "demsDynSK.cc"),
		filepath.Join(dir, "justhungrySK.cc"), filepath.Join(dir, "justhungryDynSK.cc"),
		filepath.Join(src, "canon.cc"), filepath.Join(src, "script.cc"), filepath.Join(src, "scenario.cc"),
	}
	// Two compile jobs at a time: the machine has two cores.
	var objs []string
	var jobs []func() error
	for _, u := range units {
		obj := filepath.Join(dir, strings.TrimSuffix(filepath.Base(u), ".cc")+".o")
		objs = append(objs, obj)
		jobs = append(jobs, func() error { return gxx(dir, "-c", "-o", obj, u) })
	}
	for i := 0; i < len(jobs); i += 2 {
		if err := testtools.Parallel(jobs[i:min(i+2, len(jobs))]...); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(dir, "scenario")
	args := append(append([]string{"-o", bin}, objs...), strings.Fields(string(pc))...)
	return bin, gxx(dir, args...)
}

func gxx(dir string, args ...string) error {
	return testtools.Run(dir, "g++", append([]string{"-O1", "-std=c++17", "-pthread", "-Wall", "-I", dir}, args...)...)
}

// runScenario runs the program to completion (bounded) and returns its
// standard output (the transcript), standard error and exit error. started,
// if not nil, is closed when the first transcript line is out.
func runScenario(bin string, started chan<- struct{}, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	o := &lineWatcher{started: started}
	var e strings.Builder
	cmd.Stdout, cmd.Stderr = o, &e
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("scenario timed out: %w", ctx.Err())
	}
	return o.b.String(), e.String(), err
}

// lineWatcher keeps the output and closes started at the first newline.
type lineWatcher struct {
	b       strings.Builder
	started chan<- struct{}
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.b.Write(p)
	if w.started != nil && strings.Contains(w.b.String(), "\n") {
		close(w.started)
		w.started = nil
	}
	return len(p), nil
}
