package testtools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConcordBinaryRemovesOnlyExitedBuildDirs(t *testing.T) {
	exited := exec.Command("true")
	require.NoError(t, exited.Run())
	stale := filepath.Join(os.TempDir(), binDirPrefix+strconv.Itoa(exited.Process.Pid))
	live := filepath.Join(os.TempDir(), binDirPrefix+strconv.Itoa(os.Getppid()))
	for _, d := range []string{stale, live} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	t.Cleanup(func() { os.RemoveAll(live) })

	bin := ConcordBinary(t)
	out, err := exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.NoDirExists(t, stale, "the build dir of an exited test process")
	assert.DirExists(t, live, "the build dir of a running process")
	assert.Equal(t, binDirPrefix+strconv.Itoa(os.Getpid()), filepath.Base(filepath.Dir(bin)))
}
