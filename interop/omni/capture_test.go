package omni

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
)

// updateGolden rewrites giop/testdata/golden from fresh omniORB traffic:
//
//	go test ./interop/omni -run TestGoldenCapture -update-golden
var updateGolden = flag.Bool("update-golden", false, "rewrite giop/testdata/golden from captured omniORB traffic")

var goldenDir = filepath.Join(repoRoot, "giop", "testdata", "golden")

var goldenVersions = []string{"1.0", "1.1", "1.2"}

// captureCase is one recorded conversation: an omniORB client (echo_client
// with ops) or a raw Go sender talks to the omniORB server through a Relay.
type captureCase struct {
	name string
	// key selects the target object: "Echo", "Probe", "fwd" or a missing key.
	key string
	ops []string
	// clientArgs are extra ORB options for echo_client.
	clientArgs []string
	// idleServer: talk to the server that closes idle connections after ~1s.
	idleServer bool
	// raw, when set, replaces echo_client: it is written to the connection
	// and the answer read until the server closes.
	raw func(minor uint8) []byte
	// volatile: the bytes depend on ports or timing, so a re-capture is
	// compared by message types only.
	volatile bool
}

var captureCases = []captureCase{
	{name: "echo", key: "Echo", ops: []string{"ping", "add", "small", "big:20000", "isa", "nonexist", "locate"}},
	{name: "exceptions", key: "Probe", ops: []string{"user", "system", "badop", "oneway"}},
	{name: "forward", key: "fwd", ops: []string{"ping"}, volatile: true},
	{name: "noobject", key: "Nope", ops: []string{"noobj"}},
	{name: "idle-close", key: "Echo", ops: []string{"ping", "sleep:2500"}, idleServer: true},
	{name: "timeout", key: "Probe", ops: []string{"timeout"}, clientArgs: []string{"-ORBclientCallTimeOutPeriod", "100"}, volatile: true},
	{name: "noobject-request", key: "Nope", ops: []string{"noobj"}, clientArgs: []string{"-ORBverifyObjectExistsAndType", "0"}},
	// omniORB answers most framing errors by closing silently; these two
	// draw a MessageError.
	{name: "bad-request-header", raw: badRequestHeader},
	{name: "bad-flags", raw: func(minor uint8) []byte {
		return []byte{'G', 'I', 'O', 'P', 1, minor, 0x05, 0, 0, 0, 0, 0}
	}},
}

// badRequestHeader is a little-endian Request whose operation name claims
// 2^31-1 bytes: the header cannot be decoded, so omniORB sends MessageError.
func badRequestHeader(minor uint8) []byte {
	le := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	var body []byte
	if minor < 2 {
		body = append(body, le(0)...)          // no service contexts
		body = append(body, le(1)...)          // request id
		body = append(body, 1, 0, 0, 0)        // response expected (+ 1.1 reserved or padding)
		body = append(body, le(4)...)          // object key length
		body = append(body, "Echo"...)         //
		body = append(body, le(0x7fffffff)...) // operation length: far beyond the message
	} else {
		body = append(body, le(1)...)          // request id
		body = append(body, 3, 0, 0, 0)        // response flags, reserved
		body = append(body, 0, 0, 0, 0)        // KeyAddr, padding
		body = append(body, le(4)...)          // object key length
		body = append(body, "Echo"...)         //
		body = append(body, le(0x7fffffff)...) // operation length
	}
	return append([]byte{'G', 'I', 'O', 'P', 1, minor, 1, 0}, append(le(uint32(len(body))), body...)...)
}

// capturedFile is one frame, named NNN-<c2s|s2c>-<Type>.bin.
type capturedFile struct {
	name  string
	bytes []byte
}

func frameFileName(i int, f Frame) string {
	dir := "s2c"
	if f.FromClient {
		dir = "c2s"
	}
	typ := "Garbage"
	if len(f.Bytes) >= 8 && string(f.Bytes[:4]) == "GIOP" {
		names := []string{"Request", "Reply", "CancelRequest", "LocateRequest", "LocateReply", "CloseConnection", "MessageError", "Fragment"}
		if int(f.Bytes[7]) < len(names) {
			typ = names[f.Bytes[7]]
		} else {
			typ = fmt.Sprintf("Type%d", f.Bytes[7])
		}
	}
	return fmt.Sprintf("%03d-%s-%s.bin", i, dir, typ)
}

// capture runs one case in one GIOP version and returns its frames. It
// returns an error rather than failing t: slow cases run on other goroutines.
func capture(bins omniBins, srv *omniServer, c captureCase, version string) ([]capturedFile, error) {
	relay, err := NewRelay(srv.Addr.String())
	if err != nil {
		return nil, err
	}
	defer relay.Close()
	minor := version[2] - '0'
	if c.raw != nil {
		if err := sendRaw(relay.Addr().String(), c.raw(minor)); err != nil {
			return nil, err
		}
	} else {
		key := []byte(c.key)
		if c.key == "fwd" {
			if key, err = iorKey(srv.Fwd); err != nil {
				return nil, err
			}
		}
		ref := ior.CorbalocURL(1, minor, ior.Address{Host: "127.0.0.1", Port: uint16(relay.Addr().Port)}, key)
		args := append(append([]string{}, c.clientArgs...), ref)
		out, err := runCmd(20*time.Second, bins.Client, append(args, c.ops...)...)
		if err != nil {
			return nil, fmt.Errorf("echo_client %s %v: %v\n%s\nserver:\n%s", ref, c.ops, err, out, srv.proc.tail(10))
		}
	}
	return relayFiles(relay), nil
}

// relayFiles waits for the last messages (a reply, a CloseConnection) to
// cross the relay, closes it and names its frames.
func relayFiles(relay *Relay) []capturedFile {
	time.Sleep(100 * time.Millisecond)
	relay.Close()
	var files []capturedFile
	for i, f := range relay.Frames() {
		files = append(files, capturedFile{name: frameFileName(i, f), bytes: f.Bytes})
	}
	return files
}

// sendRaw writes b and reads whatever comes back until close (bounded).
func sendRaw(addr string, b []byte) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write(b); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 4096)
	for {
		if _, err := conn.Read(buf); err != nil {
			return nil
		}
	}
}

func iorKey(s string) ([]byte, error) {
	r, err := ior.Parse(s)
	if err != nil {
		return nil, err
	}
	ps, err := r.IIOPProfiles()
	if err != nil || len(ps) == 0 {
		return nil, fmt.Errorf("IOR without an IIOP profile: %v", err)
	}
	return ps[0].ObjectKey, nil
}

// TestGoldenCapture records omniORB C++ client <-> omniORB C++ server traffic
// for every case and version. With -update-golden it rewrites the committed
// vectors; otherwise it checks that a fresh capture reproduces them, so the
// vectors are known to be what omniORB really sends.
func TestGoldenCapture(t *testing.T) {
	bins := buildOmni(t)
	srv := startOmniServer(t, bins)
	idle := startOmniServer(t, bins, "-ORBinConScanPeriod", "1", "-ORBscanGranularity", "1")

	type result struct {
		dir   string
		c     captureCase
		files []capturedFile
		err   error
	}
	var (
		mu      sync.Mutex
		results []result
		wg      sync.WaitGroup
	)
	for _, c := range captureCases {
		for _, v := range goldenVersions {
			s := srv
			if c.idleServer {
				s = idle
			}
			do := func() {
				files, err := capture(bins, s, c, v)
				mu.Lock()
				results = append(results, result{dir: v + "/" + c.name, c: c, files: files, err: err})
				mu.Unlock()
			}
			// Slow (idle) cases run beside the rest; the others run one at a
			// time to keep the load low.
			if c.idleServer {
				wg.Add(1)
				go func() { defer wg.Done(); do() }()
			} else {
				do()
			}
		}
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool { return results[i].dir < results[j].dir })
	for _, r := range results {
		require.NoError(t, r.err, r.dir)
		checkOrWriteGolden(t, r.dir, r.files, r.c.volatile, *updateGolden)
	}
}

// checkOrWriteGolden writes a capture under giop/testdata/golden/rel when
// update is set, and otherwise checks it against the committed files: the
// same message sequence always, the same bytes (padding aside) unless
// volatile.
func checkOrWriteGolden(t *testing.T, rel string, files []capturedFile, volatile, update bool) {
	t.Helper()
	require.NotEmpty(t, files, "%s: nothing captured", rel)
	dir := filepath.Join(goldenDir, filepath.FromSlash(rel))
	if update {
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, f := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, f.name), f.bytes, 0o644))
		}
		return
	}
	t.Run(rel, func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err, "no committed vectors; run with the update flag")
		var want, got []string
		for _, e := range entries {
			want = append(want, e.Name())
		}
		for _, f := range files {
			got = append(got, f.name)
		}
		require.Equal(t, want, got, "the ORB's message sequence changed")
		if volatile {
			return
		}
		for _, f := range files {
			old, err := os.ReadFile(filepath.Join(dir, f.name))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(normalize(old), normalize(f.bytes)), "%s differs from the committed vector", f.name)
		}
	})
}

// normalize re-encodes a complete message from its parsed fields, which
// zeroes the alignment padding omniORB leaves uncleared (stale buffer bytes
// that differ from run to run). Anything else is returned as is.
func normalize(b []byte) []byte {
	m, err := giop.NewReader(bytes.NewReader(b), 0).ReadMessage()
	if err != nil {
		return b
	}
	e := cdr.NewEncoder(m.Header.LittleEndian())
	v := m.Header.Version
	rest := func(d *cdr.Decoder) func(*cdr.Encoder) {
		r := d.Rest()
		return func(e *cdr.Encoder) { e.WriteOctets(r) }
	}
	switch m.Header.Type {
	case giop.MsgRequest:
		if r, d, err := giop.ParseRequest(m, cdr.CodeSets{}); err == nil {
			return giop.EncodeRequest(e, v, r, rest(d))
		}
	case giop.MsgReply:
		if r, d, err := giop.ParseReply(m, cdr.CodeSets{}); err == nil {
			if r.Status != giop.UserException && r.Status != giop.SystemException {
				return giop.EncodeReply(e, v, r, rest(d))
			}
			// An exception body starts with its repository id; the padding
			// after it is the one omniORB leaves dirty.
			id := d.ReadString()
			d.Align(4)
			body := rest(d)
			return giop.EncodeReply(e, v, r, func(e *cdr.Encoder) { e.WriteString(id); e.Align(4); body(e) })
		}
	case giop.MsgLocateRequest:
		if r, err := giop.ParseLocateRequest(m); err == nil {
			return giop.EncodeLocateRequest(e, v, r)
		}
	}
	return b
}
