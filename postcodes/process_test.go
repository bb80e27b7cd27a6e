package postcodes_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/testtools"
	"concord/postcodes/lookup"
)

// These tests run the real binary as a child process: the sub-command's flag
// handling, logging, HTTP serving and signal handling are what is tested.

// child is a running `concord postcodes`, with its log kept for failures.
type child struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	done chan error

	mu  sync.Mutex
	log []string
}

var listenRE = regexp.MustCompile(`msg="postcode service listening" addr=(\S+)`)

// startChild starts the binary and waits (bounded) for its listen log line.
func startChild(t *testing.T, bin string, args ...string) *child {
	t.Helper()
	c := &child{t: t, cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	stderr, err := c.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, c.cmd.Start())
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.mu.Lock()
			c.log = append(c.log, sc.Text())
			c.mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
		c.done <- c.cmd.Wait()
	}()
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
		}
	})
	select {
	case c.addr = <-addrc:
	case err := <-c.done:
		c.fail("exited before listening: %v", err)
	case <-time.After(20 * time.Second):
		c.fail("no listen log line within 20s")
	}
	return c
}

func (c *child) fail(format string, args ...any) {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t.Fatalf(format+"\nlast log lines:\n%s", append(args, strings.Join(tail(c.log, 20), "\n"))...)
}

func tail(lines []string, n int) []string {
	if len(lines) > n {
		return lines[len(lines)-n:]
	}
	return lines
}

// stop sends SIGTERM and waits (bounded) for a clean exit.
func (c *child) stop() {
	c.t.Helper()
	require.NoError(c.t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-c.done:
		if err != nil {
			c.fail("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		c.fail("still running 10s after SIGTERM")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	assert.Contains(c.t, strings.Join(c.log, "\n"), "postcode service stopped")
}

func (c *child) get(path string) (int, string) {
	c.t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + c.addr + path)
	if err != nil {
		c.fail("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(body)
}

func TestConcordPostcodesProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := testtools.ConcordBinary(t)

	t.Run("embedded sample", func(t *testing.T) {
		c := startChild(t, bin, "postcodes", "--listen", "127.0.0.1:0")

		status, body := c.get("/postcodes/sw1a%201aa")
		require.Equal(t, 200, status, body)
		var found struct {
			Status int                        `json:"status"`
			Result map[string]json.RawMessage `json:"result"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &found))
		assert.Equal(t, 200, found.Status)
		// postcodes.io's field names; values we do not hold are null.
		for _, k := range []string{"postcode", "quality", "eastings", "northings", "country", "longitude", "latitude",
			"region", "incode", "outcode", "parliamentary_constituency", "admin_district", "parish", "admin_county", "admin_ward"} {
			assert.Contains(t, found.Result, k)
		}
		fields := []struct{ key, want string }{
			{"postcode", `"SW1A 1AA"`}, {"outcode", `"SW1A"`}, {"incode", `"1AA"`},
			{"admin_district", `"Westminster"`}, {"region", `"London"`}, {"country", `"England"`},
			{"latitude", "51.501009"}, {"longitude", "-0.141563"}, {"parish", "null"},
		}
		for _, f := range fields {
			assert.Equal(t, f.want, string(found.Result[f.key]), f.key)
		}

		notFound := []struct{ path, body string }{
			{"/postcodes/ZE3%209XX", `{"status":404,"error":"Postcode not found"}`},
			{"/postcodes/NOTAPOSTCODE", `{"status":404,"error":"Invalid postcode"}`},
			{"/outcodes/ZE3", `{"status":404,"error":"Outcode not found"}`},
			{"/nothing/here", `{"status":404,"error":"Resource not found"}`},
		}
		for _, nf := range notFound {
			status, body := c.get(nf.path)
			assert.Equal(t, 404, status, nf.path)
			assert.JSONEq(t, nf.body, body, nf.path)
		}
		status, body = c.get("/postcodes/EH12NG/validate")
		assert.Equal(t, 200, status)
		assert.JSONEq(t, `{"status":200,"result":true}`, body)

		// The lookup client, as the Just Hungry primary uses it, against the process.
		p, err := lookup.ParseProvider("postcodesio=http://" + c.addr)
		require.NoError(t, err)
		addr, err := lookup.New(lookup.Config{Providers: []lookup.Provider{p}}).Lookup(context.Background(), "cf10 3rb")
		require.NoError(t, err)
		assert.Equal(t, "Cardiff", addr.Town)

		status, body = c.get("/metrics")
		assert.Equal(t, 200, status)
		assert.Contains(t, body, `concord_postcodes_http_requests_total{code="404",route="/postcodes/{postcode}"} 2`)
		c.stop()
	})

	t.Run("--data ONS file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "onspd.csv")
		require.NoError(t, os.WriteFile(path, []byte("pcds,doterm,oslaua,ctry,rgn,lat,long\n"+
			"ZE2 9AA,,S12000027,S92000003,S99999999,60.153370,-1.149120\n"), 0o600))
		c := startChild(t, bin, "postcodes", "--listen", "127.0.0.1:0", "--data", path, "--format", "onspd")
		status, body := c.get("/postcodes/ZE29AA")
		assert.Equal(t, 200, status, body)
		assert.Contains(t, body, `"country":"Scotland"`)
		status, _ = c.get("/postcodes/SW1A1AA")
		assert.Equal(t, 404, status, "the file replaces the sample")
		c.stop()
	})

	t.Run("bad flags name the flag", func(t *testing.T) {
		cases := []struct {
			name string
			args []string
			want string
		}{
			{"unknown flag", []string{"--bogus"}, "--bogus"},
			{"bad listen", []string{"--listen", "nowhere"}, `"--listen"`},
			{"bad format", []string{"--data", "x.csv", "--format", "xml"}, `"--format"`},
			{"format without data", []string{"--format", "onspd"}, `"--data"`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				out, err := exec.CommandContext(ctx, bin, append([]string{"postcodes"}, tc.args...)...).CombinedOutput()
				var ee *exec.ExitError
				require.True(t, errors.As(err, &ee), "want a failed exit, got %v: %s", err, out)
				assert.Equal(t, 2, ee.ExitCode())
				assert.Contains(t, string(out), tc.want)
			})
		}
	})

	t.Run("missing data file", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, "postcodes", "--data", filepath.Join(t.TempDir(), "none.csv")).CombinedOutput()
		require.Error(t, err)
		assert.Contains(t, string(out), "none.csv")
	})
}
