package omni

import (
	"path/filepath"
	"testing"

	"concord/giop/ior"
	"concord/internal/testtools"
)

// concordServer is a running `concord bench-server`.
type concordServer struct {
	IOR  string
	Addr ior.Address
	proc *proc
}

func startConcord(t testing.TB, extra ...string) *concordServer {
	t.Helper()
	return startConcordOn(t, anyCPU, extra...)
}

// startConcordOn is startConcord with the server kept to cpus.
func startConcordOn(t testing.TB, cpus cpuList, extra ...string) *concordServer {
	t.Helper()
	bin := testtools.ConcordBinary(t)
	iorFile := filepath.Join(t.TempDir(), "echo.ior")
	args := append([]string{"bench-server", "--listen", "127.0.0.1:0", "--ior-file", iorFile}, extra...)
	p := startProcOn(t, cpus, bin, args...)
	s := &concordServer{IOR: waitFile(t, p, iorFile), proc: p}
	s.Addr = iorAddress(t, s.IOR)
	return s
}

// corbaloc builds a corbaloc URL for key at a; minor < 0 leaves the version
// out, which omniORB reads as GIOP 1.0.
func corbaloc(a ior.Address, minor int, key string) string {
	if minor < 0 {
		return "corbaloc:iiop:" + a.String() + "/" + ior.EscapeKey([]byte(key))
	}
	return ior.CorbalocURL(1, uint8(minor), a, []byte(key))
}
