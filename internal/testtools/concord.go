package testtools

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

const binDirPrefix = "concord-test-bin-"

var (
	concordOnce sync.Once
	concordPath string
	concordErr  error
)

// ConcordBinary builds cmd/concord once per test binary and returns its
// path. A test binary has no hook at its exit (most packages have no
// TestMain), so the build goes to a directory named after this process and
// the directories of test processes that have exited are removed here.
func ConcordBinary(t testing.TB) string {
	t.Helper()
	concordOnce.Do(func() {
		removeExitedBinDirs()
		dir := filepath.Join(os.TempDir(), binDirPrefix+strconv.Itoa(os.Getpid()))
		if concordErr = os.MkdirAll(dir, 0o755); concordErr != nil {
			return
		}
		root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			concordErr = fmt.Errorf("go list -m: %v", err)
			return
		}
		concordPath = filepath.Join(dir, "concord")
		cmd := exec.Command("go", "build", "-o", concordPath, "./cmd/concord")
		cmd.Dir = strings.TrimSpace(string(root))
		if out, err := cmd.CombinedOutput(); err != nil {
			concordErr = fmt.Errorf("go build ./cmd/concord: %v\n%s", err, out)
		}
	})
	if concordErr != nil {
		t.Fatal(concordErr)
	}
	return concordPath
}

// removeExitedBinDirs removes the build directories of test processes that
// are no longer running.
func removeExitedBinDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), binDirPrefix+"*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), binDirPrefix))
		if err != nil || pid == os.Getpid() || running(pid) {
			continue
		}
		os.RemoveAll(d)
	}
}

func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
