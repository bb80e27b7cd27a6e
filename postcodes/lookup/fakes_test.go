package lookup

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/postcodes/data"
	"concord/postcodes/server"
)

// mode is how a fake provider behaves; tests switch it while it runs.
type mode int32

const (
	modeOK      mode = iota // the real embedded API (postcodes.io shape)
	modeSlow                // holds the request past any per-call timeout
	mode500                 // HTTP 500 with an error body
	modeGarbage             // HTTP 200 with a body that is not JSON
	modeWrongPC             // HTTP 200 for a different postcode (confused provider)
	modeBadPath             // 404 "Resource not found": a misconfigured URL
)

// fakeProvider is a real HTTP server on 127.0.0.1:0 that counts the requests
// it receives, so tests can prove what did or did not touch the network.
type fakeProvider struct {
	srv      *httptest.Server
	mode     atomic.Int32
	requests atomic.Int64
}

// slowHold bounds how long a slow fake holds a request whose client never
// gives up, so a broken client cannot hang the test run.
const slowHold = 3 * time.Second

func newFakeProvider(t *testing.T, m mode) *fakeProvider {
	t.Helper()
	f := &fakeProvider{}
	f.mode.Store(int32(m))
	api := server.NewHandler(data.Sample(), nil)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		switch mode(f.mode.Load()) {
		case modeSlow:
			select {
			case <-r.Context().Done():
			case <-time.After(slowHold):
			}
			api.ServeHTTP(w, r)
		case mode500:
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"status":500,"error":"database unavailable"}`))
		case modeGarbage:
			_, _ = w.Write([]byte(`{"status":200,"result":{"postcode":`))
		case modeWrongPC:
			_, _ = w.Write([]byte(`{"status":200,"result":{"postcode":"M1 1AE","latitude":53.4,"longitude":-2.2}}`))
		case modeBadPath:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404,"error":"Resource not found"}`))
		default:
			api.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeProvider) set(m mode)   { f.mode.Store(int32(m)) }
func (f *fakeProvider) count() int64 { return f.requests.Load() }
func (f *fakeProvider) provider(t *testing.T, name string) Provider {
	t.Helper()
	p, err := NewPostcodesIO(name, f.srv.URL, nil)
	require.NoError(t, err)
	return p
}

// closedPortProvider points at a loopback port nothing listens on: every
// call is refused at once, as for a provider whose process is down.
func closedPortProvider(t *testing.T, name string) Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	p, err := NewPostcodesIO(name, "http://"+addr, nil)
	require.NoError(t, err)
	return p
}

// fakeClock is a settable Clock for the breakers and the cache.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
