package omni

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	loadSeconds = flag.Float64("load-seconds", 2, "seconds each server is driven per round in BenchmarkEchoServers")
	loadRounds  = flag.Int("load-rounds", 5, "rounds of BenchmarkEchoServers (each drives every server once)")
	loadThreads = flag.Int("load-threads", 4, "omniORB load client threads in BenchmarkEchoServers")
	loadOp      = flag.String("load-op", "add", "operation the load client calls: add or ping")
	loadShared  = flag.Bool("load-one-connection", false, "load client multiplexes all threads on one connection (-ORBoneCallPerConnection 0)")
	loadSplit   = flag.Bool("load-split-cpus", true, "keep the servers to one half of the CPUs and the load client to the other (taskset)")
)

// oneConnection makes omniORB multiplex concurrent calls on one connection
// instead of opening one connection per outstanding call.
var oneConnection = []string{"-ORBoneCallPerConnection", "0", "-ORBmaxGIOPConnectionPerServer", "1"}

// loadResult is load_client's one-line report.
type loadResult struct {
	Calls           int
	CallsPerSec     float64
	P50us, P99us    float64
	Errors          int
	Seconds         float64
	Server, RawLine string
	// ServerCPUus is the server process's CPU time per call (user and
	// system, all threads), measured around the run by the benchmark.
	ServerCPUus float64
}

func parseLoad(server, out string) (loadResult, error) {
	r := loadResult{Server: server}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "calls=") {
			continue
		}
		r.RawLine = line
		for _, f := range strings.Fields(line) {
			k, v, _ := strings.Cut(f, "=")
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return r, fmt.Errorf("load_client field %q: %v", f, err)
			}
			switch k {
			case "calls":
				r.Calls = int(x)
			case "seconds":
				r.Seconds = x
			case "calls_per_sec":
				r.CallsPerSec = x
			case "p50_us":
				r.P50us = x
			case "p99_us":
				r.P99us = x
			case "errors":
				r.Errors = int(x)
			}
		}
		return r, nil
	}
	return r, fmt.Errorf("no result line in load_client output:\n%s", out)
}

// runLoad drives ref with the omniORB load client, kept to cpus, for seconds.
func runLoad(tb testing.TB, bins omniBins, cpus cpuList, server, ref string, threads int, seconds float64, op string, orbArgs ...string) loadResult {
	tb.Helper()
	args := append(append([]string{}, orbArgs...), ref,
		"-threads", strconv.Itoa(threads), "-seconds", strconv.FormatFloat(seconds, 'f', -1, 64), "-op", op)
	name, args := cpus.command(bins.Load, args...)
	out, err := runClient(tb, time.Duration(seconds*float64(time.Second))+30*time.Second, name, args...)
	require.NoError(tb, err, "load_client against %s:\n%s", server, out)
	r, err := parseLoad(server, out)
	require.NoError(tb, err)
	return r
}

// BenchmarkEchoServers drives three servers with the same omniORB C++ load
// client (GIOP 1.2): omniORB's C++ server, `concord bench-server`, and the
// Go floor (startFloorServer: no ORB at all). The machine is shared and
// noisy, so each round drives every server once, the starting server
// rotating, and the report is the median over the rounds of calls/s, p50,
// p99 and the ratios to omniORB measured within each round:
//
//	go test ./interop/omni -run '^$' -bench EchoServers -benchtime 1x [-load-rounds 5 -load-seconds 2 -load-threads 4]
//
// By default the servers run on one half of the CPUs and the load client on
// the other (-load-split-cpus): on a small machine the client and a server
// otherwise compete for the same cores, and the result then says as much
// about how a server's threads share cores with its load generator as about
// the server.
func BenchmarkEchoServers(b *testing.B) {
	bins := buildOmni(b)
	serverCPUs, clientCPUs := anyCPU, anyCPU
	placement := "client and servers on any CPU"
	if *loadSplit {
		if s, c, ok := splitCPUs(b); ok {
			serverCPUs, clientCPUs = s, c
			placement = fmt.Sprintf("servers on CPUs %s, client on CPUs %s", s, c)
		} else {
			placement = "one CPU: client and servers share it"
		}
	}
	omni := startOmniServerOn(b, bins, serverCPUs)
	ours := startConcordOn(b, serverCPUs)
	floor, floorProc := startFloorServer(b, serverCPUs)
	var orbArgs []string
	if *loadShared {
		orbArgs = oneConnection
	}
	servers := []struct {
		name, ref string
		pid       int
	}{{"omniORB", omni.Echo, omni.proc.cmd.Process.Pid}, {"concord", ours.IOR, ours.proc.cmd.Process.Pid},
		{"go-floor", floor, floorProc.cmd.Process.Pid}}
	for b.Loop() {
		results := make([][]loadResult, len(servers))
		for round := range *loadRounds {
			for i := range servers {
				k := (i + round) % len(servers)
				cpu0 := cpuTime(b, servers[k].pid)
				r := runLoad(b, bins, clientCPUs, servers[k].name, servers[k].ref, *loadThreads, *loadSeconds, *loadOp, orbArgs...)
				r.ServerCPUus = float64(cpuTime(b, servers[k].pid)-cpu0) / float64(time.Microsecond) / float64(max(r.Calls, 1))
				b.Logf("round %d %-8s %s", round+1, r.Server, r.RawLine)
				assert.Zero(b, r.Errors, "%s: load client saw errors", r.Server)
				results[k] = append(results[k], r)
			}
		}
		conn := "one connection per thread"
		if *loadShared {
			conn = "all threads on one connection"
		}
		b.Logf("medians of %d rounds, %d threads, %s, %s, %gs each, %s:", *loadRounds, *loadThreads, conn, *loadOp, *loadSeconds, placement)
		for k, s := range servers {
			rs := results[k]
			calls := median(column(rs, func(r loadResult) float64 { return r.CallsPerSec }))
			p50 := median(column(rs, func(r loadResult) float64 { return r.P50us }))
			p99 := median(column(rs, func(r loadResult) float64 { return r.P99us }))
			cpu := median(column(rs, func(r loadResult) float64 { return r.ServerCPUus }))
			line := fmt.Sprintf("%-8s %8.0f calls/s  p50 %6.1f µs  p99 %6.1f µs  server CPU %5.1f µs/call", s.name, calls, p50, p99, cpu)
			if k > 0 {
				ratios := make([]float64, len(rs))
				for i := range rs {
					ratios[i] = rs[i].CallsPerSec / results[0][i].CallsPerSec
				}
				ratio := median(slices.Clone(ratios))
				line += fmt.Sprintf("  %s/omniORB %.2f (rounds: %.2f)", s.name, ratio, ratios)
				b.ReportMetric(ratio, s.name+"/omniORB")
			}
			b.Log(line)
			b.ReportMetric(calls, s.name+"-calls/s")
			b.ReportMetric(p50, s.name+"-p50-µs")
			b.ReportMetric(p99, s.name+"-p99-µs")
			b.ReportMetric(cpu, s.name+"-server-cpu-µs/call")
		}
	}
}

// userHZ is the unit of utime and stime in /proc/PID/stat (USER_HZ, fixed
// at 100 by Linux's user ABI).
const userHZ = 100

// cpuTime is the CPU time process pid has used so far, user and system,
// all threads.
func cpuTime(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(tb, err)
	// The command name may hold spaces; the numbered fields follow its ')'.
	// utime and stime are fields 14 and 15: 12th and 13th after the name.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	require.Greater(tb, len(f), 13, "/proc/%d/stat: %s", pid, b)
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	require.NoError(tb, errors.Join(err1, err2), "/proc/%d/stat: %s", pid, b)
	return time.Duration(utime+stime) * time.Second / userHZ
}

// column picks one field of every round's result.
func column(rs []loadResult, f func(loadResult) float64) []float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	return v
}

// median sorts v in place and returns its median (0 if empty).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// TestLoadClientSmoke runs the benchmark's machinery briefly against both
// servers, so a broken load client or parser shows up in ordinary test runs.
func TestLoadClientSmoke(t *testing.T) {
	bins := buildOmni(t)
	omni := startOmniServer(t, bins)
	ours := startConcord(t)
	floor, _ := startFloorServer(t, anyCPU)
	for _, c := range []struct {
		name, ref, op string
		orbArgs       []string
	}{
		{"omniORB add", omni.Echo, "add", nil},
		{"concord add", ours.IOR, "add", nil},
		{"concord ping", ours.IOR, "ping", nil},
		{"concord add, 4 threads on one connection", ours.IOR, "add", oneConnection},
		{"go floor add", floor, "add", nil},
		{"go floor ping", floor, "ping", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runLoad(t, bins, anyCPU, c.name, c.ref, 4, 0.3, c.op, c.orbArgs...)
			assert.Zero(t, r.Errors)
			assert.Greater(t, r.Calls, 0)
			assert.Greater(t, r.CallsPerSec, 0.0)
			assert.LessOrEqual(t, r.P50us, r.P99us)
		})
	}
}

func TestParseLoad(t *testing.T) {
	cases := []struct {
		name    string
		out     string
		want    loadResult
		wantErr bool
	}{
		{"line among noise", "omniORB: warm\ncalls=100 seconds=2.000 calls_per_sec=50 p50_us=10.5 p99_us=90.0 errors=1\n",
			loadResult{Calls: 100, Seconds: 2, CallsPerSec: 50, P50us: 10.5, P99us: 90, Errors: 1}, false},
		{"no result line", "load_client: CORBA exception TRANSIENT\n", loadResult{}, true},
		{"bad number", "calls=x seconds=1\n", loadResult{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseLoad("s", c.out)
			if c.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			got.Server, got.RawLine = "", ""
			assert.Equal(t, c.want, got)
		})
	}
}

func TestCPUTimeGrowsWithWork(t *testing.T) {
	pid := os.Getpid()
	start := cpuTime(t, pid)
	deadline := time.Now().Add(10 * time.Second)
	x := 0
	for cpuTime(t, pid)-start < 50*time.Millisecond {
		require.True(t, time.Now().Before(deadline), "50 ms of CPU not seen in /proc/%d/stat within 10 s", pid)
		for i := range 1_000_000 {
			x += i
		}
	}
	assert.NotZero(t, x)
}
