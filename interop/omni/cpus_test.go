package omni

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/testtools"
)

// cpuList is a set of CPUs in taskset's list form ("0", "2,3"); anyCPU
// leaves a process where the kernel puts it.
type cpuList string

const anyCPU cpuList = ""

// command wraps name and args in taskset when the list is not anyCPU.
func (c cpuList) command(name string, args ...string) (string, []string) {
	if c == anyCPU {
		return name, args
	}
	return "taskset", append([]string{"-c", string(c), name}, args...)
}

// splitCPUs divides the CPUs this process may run on between the servers
// (the first half) and the load client (the rest), so that a benchmark
// measures each server rather than how its threads share cores with the
// load generator. ok is false when there is only one CPU.
func splitCPUs(tb testing.TB) (servers, client cpuList, ok bool) {
	tb.Helper()
	testtools.LookPath(tb, "taskset", "Debian package util-linux")
	cpus := allowedCPUs(tb, "self")
	if len(cpus) < 2 {
		return anyCPU, anyCPU, false
	}
	half := len(cpus) / 2
	return joinCPUs(cpus[:half]), joinCPUs(cpus[half:]), true
}

// allowedCPUs reads the CPUs a process (a pid, or "self") may run on.
func allowedCPUs(tb testing.TB, pid string) []int {
	tb.Helper()
	status, err := os.ReadFile("/proc/" + pid + "/status")
	require.NoError(tb, err)
	for _, line := range strings.Split(string(status), "\n") {
		if v, found := strings.CutPrefix(line, "Cpus_allowed_list:"); found {
			cpus, err := parseCPUList(strings.TrimSpace(v))
			require.NoError(tb, err, "Cpus_allowed_list of %s", pid)
			return cpus
		}
	}
	tb.Fatalf("no Cpus_allowed_list in /proc/%s/status", pid)
	return nil
}

// parseCPUList reads the kernel's CPU list form: "0-3,8,10-11".
func parseCPUList(s string) ([]int, error) {
	var cpus []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("cpu list %q: %w", s, err)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil || last < first {
				return nil, fmt.Errorf("cpu list %q: bad range %q", s, part)
			}
		}
		for c := first; c <= last; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

func joinCPUs(cpus []int) cpuList {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return cpuList(strings.Join(s, ","))
}

func TestParseCPUList(t *testing.T) {
	got, err := parseCPUList("0-3,8,10-11")
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3, 8, 10, 11}, got)
	assert.Equal(t, cpuList("0,1,2"), joinCPUs([]int{0, 1, 2}))
	for _, bad := range []string{"", "a", "3-1", "1-x"} {
		_, err := parseCPUList(bad)
		assert.Error(t, err, bad)
	}
}

// TestServerKeptToItsCPUs checks the benchmark's placement end to end: a
// server started on the servers' half runs only there, and the load client
// started on the other half still reaches it.
func TestServerKeptToItsCPUs(t *testing.T) {
	servers, client, ok := splitCPUs(t)
	if !ok {
		t.Skip("needs at least 2 CPUs to split between servers and client")
	}
	bins := buildOmni(t)
	ours := startConcordOn(t, servers)
	allowed := allowedCPUs(t, strconv.Itoa(ours.proc.cmd.Process.Pid))
	assert.Equal(t, servers, joinCPUs(allowed), "CPUs the server may run on")
	r := runLoad(t, bins, client, "concord", ours.IOR, 2, 0.3, "add")
	assert.Zero(t, r.Errors)
	assert.Greater(t, r.Calls, 0)
}
