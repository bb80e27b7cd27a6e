package alltypes_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/idl/gen/internal/alltypes"
)

// goEcho is the Go echo Widget served to the omniORB C++ client: widget's
// echoes, plus a label safe across requests, a self reference that can be
// called back, and a record of what arrived so the test can check the
// client's values were decoded right (an echo alone would hide a bug that
// garbles both directions alike).
type goEcho struct {
	*widget
	self *ior.IOR

	mu         sync.Mutex
	label      string
	basics     []alltypes.Basics
	containers []alltypes.Containers
	events     chan string
}

func (g *goEcho) Label(ctx context.Context) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.label, nil
}

func (g *goEcho) SetLabel(ctx context.Context, v string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.label = v
	return nil
}

func (g *goEcho) EchoBasics(ctx context.Context, v alltypes.Basics) (alltypes.Basics, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.basics = append(g.basics, v)
	return v, nil
}

func (g *goEcho) EchoContainers(ctx context.Context, v alltypes.Containers) (alltypes.Containers, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.containers = append(g.containers, v)
	return v, nil
}

func (g *goEcho) Notify(ctx context.Context, event string) error {
	select {
	case g.events <- event:
	default: // never block the server on an unread event
	}
	return nil
}

func (g *goEcho) Self(ctx context.Context) (*ior.IOR, error) { return g.self, nil }

// versionLog records the GIOP version of every request its servant runs.
type versionLog struct {
	orb.Servant
	mu       sync.Mutex
	versions map[giop.Version]int
}

func (v *versionLog) Dispatch(ctx context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	if ri, ok := orb.RequestInfoFrom(ctx); ok {
		v.mu.Lock()
		v.versions[ri.Version]++
		v.mu.Unlock()
	}
	return v.Servant.Dispatch(ctx, op, in, out)
}

func (v *versionLog) seen() map[giop.Version]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	m := make(map[giop.Version]int, len(v.versions))
	for k, n := range v.versions {
		m[k] = n
	}
	return m
}

// serveGoEcho serves a goEcho on 127.0.0.1:0 under key "widget" and returns
// it, its version log and its port.
func serveGoEcho(t *testing.T) (*goEcho, *versionLog, uint16) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	key := []byte("widget")
	impl := &goEcho{widget: &widget{}, events: make(chan string, 4),
		self: ior.New(alltypes.WidgetRepositoryID, ior.Address{Host: "127.0.0.1", Port: port}, key)}
	log := &versionLog{Servant: alltypes.NewWidgetServant(impl), versions: map[giop.Version]int{}}
	ad := orb.NewAdapter()
	ad.Register(key, log)
	srv := orb.NewServer(ad, orb.ServerConfig{})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return impl, log, port
}

// clientResult is what the C++ client printed.
type clientResult struct {
	ok, failed, total int
	failures          []string
}

func parseClientOutput(out string) (clientResult, error) {
	var r clientResult
	summary := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "OK "):
			r.ok++
		case strings.HasPrefix(line, "FAIL "):
			r.failures = append(r.failures, line)
		case strings.HasPrefix(line, "checks "):
			if _, err := fmt.Sscanf(line, "checks %d failed %d", &r.total, &r.failed); err != nil {
				return r, fmt.Errorf("bad summary line %q: %w", line, err)
			}
			summary = true
		}
	}
	if !summary {
		return r, errors.New("no summary line")
	}
	return r, nil
}

// TestOmniORBClientAgainstGoServer is the other direction of
// TestAgainstOmniORB: omniORB's C++ stubs call every operation of the Go
// skeletons, over GIOP 1.2 (an IOR) and GIOP 1.0 (a corbaloc without a
// version), and check every echoed value.
func TestOmniORBClientAgainstGoServer(t *testing.T) {
	bin := buildOmniProgram(t, "client.cc", "omniclient")
	tests := []struct {
		name    string
		ref     func(port uint16) string
		giop    string
		version giop.Version
		// wantOK is the number of checks client.cc makes in that mode:
		// over GIOP 1.0 the wide-data echoes are one "refused" check each.
		wantOK int
	}{
		{"GIOP 1.2 by IOR", func(p uint16) string {
			return ior.New(alltypes.WidgetRepositoryID, ior.Address{Host: "127.0.0.1", Port: p}, []byte("widget")).String()
		}, "1.2", giop.Version{Major: 1, Minor: 2}, 42},
		{"GIOP 1.0 by corbaloc", func(p uint16) string {
			return "corbaloc:iiop:127.0.0.1:" + strconv.Itoa(int(p)) + "/widget"
		}, "1.0", giop.Version{Major: 1, Minor: 0}, 31},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			impl, log, port := serveGoEcho(t)
			event := "from " + tc.giop
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tc.ref(port), tc.giop, event)
			out, runErr := cmd.CombinedOutput()
			t.Logf("client output:\n%s", out)
			res, err := parseClientOutput(string(out))
			require.NoError(t, err, "client output:\n%s", out)
			require.NoError(t, runErr, "client output:\n%s", out)
			assert.Empty(t, res.failures)
			assert.Zero(t, res.failed)
			assert.Equal(t, res.total, res.ok, "every check printed OK")
			assert.Equal(t, tc.wantOK, res.ok, "client output:\n%s", out)

			select {
			case got := <-impl.events:
				assert.Equal(t, event, got, "oneway notify")
			case <-time.After(5 * time.Second):
				t.Fatal("oneway notify never arrived")
			}

			// Requests on the reference came in the version under test (the
			// self reference is an IIOP 1.2 profile, so 1.2 may appear too).
			seen := log.seen()
			assert.Greater(t, seen[tc.version], 20, "requests by GIOP version: %v", seen)

			// What the Go side decoded, not only what it echoed.
			impl.mu.Lock()
			defer impl.mu.Unlock()
			if tc.version.Minor == 0 {
				assert.Empty(t, impl.basics, "wide data cannot travel over GIOP 1.0")
				return
			}
			require.NotEmpty(t, impl.basics)
			b := impl.basics[0]
			assert.Equal(t, alltypes.Basics{S: -1, Us: 65535, L: -100000, Ul: 4000000000, Ll: -1 << 40, Ull: 1 << 63,
				F: 1.5, D: -2.5e100, B: true, C: 'x', Wc: 'é', O: 200, Str: "héllo", Wstr: "wide ✓"}, b)
			require.Len(t, impl.containers, 1)
			assert.Equal(t, *sampleContainers(), impl.containers[0])
		})
	}
}
