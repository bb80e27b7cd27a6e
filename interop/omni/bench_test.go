package omni

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	loadSeconds = flag.Float64("load-seconds", 5, "seconds each server is driven in BenchmarkEchoServers")
	loadThreads = flag.Int("load-threads", 4, "omniORB load client threads in BenchmarkEchoServers")
	loadOp      = flag.String("load-op", "add", "operation the load client calls: add or ping")
	loadShared  = flag.Bool("load-one-connection", false, "load client multiplexes all threads on one connection (-ORBoneCallPerConnection 0)")
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

// runLoad drives ref with the omniORB load client for seconds.
func runLoad(tb testing.TB, bins omniBins, server, ref string, threads int, seconds float64, op string, orbArgs ...string) loadResult {
	tb.Helper()
	args := append(append([]string{}, orbArgs...), ref,
		"-threads", strconv.Itoa(threads), "-seconds", strconv.FormatFloat(seconds, 'f', -1, 64), "-op", op)
	out, err := runClient(tb, time.Duration(seconds*float64(time.Second))+30*time.Second, bins.Load, args...)
	require.NoError(tb, err, "load_client against %s:\n%s", server, out)
	r, err := parseLoad(server, out)
	require.NoError(tb, err)
	return r
}

// BenchmarkEchoServers drives omniORB's C++ server and `concord bench-server`
// in the same run with the same omniORB C++ load client (GIOP 1.2, IOR) and
// reports calls/s, p50/p99 latency and the ratio concord/omniORB:
//
//	go test ./interop/omni -run '^$' -bench EchoServers -benchtime 1x [-load-seconds 5 -load-threads 4]
func BenchmarkEchoServers(b *testing.B) {
	bins := buildOmni(b)
	omni := startOmniServer(b, bins)
	ours := startConcord(b)
	var orbArgs []string
	if *loadShared {
		orbArgs = oneConnection
	}
	for b.Loop() {
		o := runLoad(b, bins, "omniORB", omni.Echo, *loadThreads, *loadSeconds, *loadOp, orbArgs...)
		c := runLoad(b, bins, "concord", ours.IOR, *loadThreads, *loadSeconds, *loadOp, orbArgs...)
		for _, r := range []loadResult{o, c} {
			b.Logf("%-8s %s", r.Server, r.RawLine)
			assert.Zero(b, r.Errors, "%s: load client saw errors", r.Server)
		}
		ratio := c.CallsPerSec / o.CallsPerSec
		b.Logf("concord/omniORB throughput ratio: %.2f (%d threads, %s, %.0fs each)", ratio, *loadThreads, *loadOp, *loadSeconds)
		b.ReportMetric(o.CallsPerSec, "omniORB-calls/s")
		b.ReportMetric(c.CallsPerSec, "concord-calls/s")
		b.ReportMetric(ratio, "ratio")
		b.ReportMetric(o.P50us, "omniORB-p50-µs")
		b.ReportMetric(o.P99us, "omniORB-p99-µs")
		b.ReportMetric(c.P50us, "concord-p50-µs")
		b.ReportMetric(c.P99us, "concord-p99-µs")
	}
}

// TestLoadClientSmoke runs the benchmark's machinery briefly against both
// servers, so a broken load client or parser shows up in ordinary test runs.
func TestLoadClientSmoke(t *testing.T) {
	bins := buildOmni(t)
	omni := startOmniServer(t, bins)
	ours := startConcord(t)
	for _, c := range []struct {
		name, ref, op string
		orbArgs       []string
	}{
		{"omniORB add", omni.Echo, "add", nil},
		{"concord add", ours.IOR, "add", nil},
		{"concord ping", ours.IOR, "ping", nil},
		{"concord add, 4 threads on one connection", ours.IOR, "add", oneConnection},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runLoad(t, bins, c.name, c.ref, 4, 0.3, c.op, c.orbArgs...)
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
