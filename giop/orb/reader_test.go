package orb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/orb"
)

// stalledClient sends n echo requests of size bytes each to key and reads
// nothing: with more replies than the socket buffers hold, the server soon
// cannot write to it. (A small receive buffer would stall sooner, but makes
// loopback TCP itself stall for good once reading resumes.)
func stalledClient(t *testing.T, s *testServer, key string, n, size int) *rawConn {
	nc, err := net.Dial("tcp", s.addr.String())
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	r := &rawConn{t: t, nc: nc, rd: giop.NewReader(nc, 0)}
	var burst bytes.Buffer
	for i := 1; i <= n; i++ {
		payload := strings.Repeat(string(rune('a'+i%26)), size)
		burst.Write(giop.EncodeRequest(cdr.NewEncoder(false), giop.V1_2, &giop.Request{RequestID: uint32(i), ResponseFlags: giop.ResponseExpected,
			Target: giop.TargetAddress{ObjectKey: []byte(key)}, Operation: "echo"}, func(e *cdr.Encoder) { e.WriteString(payload) }))
	}
	// The server stops reading while it cannot answer, so this write blocks
	// until the client reads.
	go nc.Write(burst.Bytes()) //nolint:errcheck // a failure shows as missing replies
	return r
}

// TestServerSlowClientDoesNotStallOthers: a client that does not read its
// replies holds up nobody else, and gets every reply, in order, once it reads.
func TestServerSlowClientDoesNotStallOthers(t *testing.T) {
	for _, inline := range []bool{true, false} {
		t.Run(fmt.Sprintf("inline=%v", inline), func(t *testing.T) {
			s := startServer(t, orb.ServerConfig{})
			sv := &testServant{ids: []string{"IDL:T:1.0"}}
			if inline {
				s.adapter.RegisterInline([]byte("obj"), sv)
			} else {
				s.adapter.Register([]byte("obj"), sv)
			}
			const n, size = 400, 64 << 10
			slow := stalledClient(t, s, "obj", n, size)
			time.Sleep(200 * time.Millisecond) // let the server fill the slow client's socket

			for i := 0; i < 20; i++ {
				other := dialRaw(t, s)
				other.request(giop.V1_2, 1, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("not held up") })
				rep, d := other.reply() // fails after 5 s
				require.Equal(t, giop.NoException, rep.Status)
				require.Equal(t, "not held up", d.ReadString())
			}

			// Inline requests are answered in order; the others run
			// concurrently, so their replies may come in any order.
			_ = slow.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
			seen := map[uint32]bool{}
			for i := 1; i <= n; i++ {
				m, err := slow.rd.ReadMessage()
				require.NoError(t, err, "reply %d", i)
				rep, d, err := giop.ParseReply(m, cdr.CodeSets{})
				require.NoError(t, err)
				id := rep.RequestID
				if inline {
					require.Equal(t, uint32(i), id)
				}
				require.False(t, seen[id], "reply %d twice", id)
				seen[id] = true
				require.Equal(t, strings.Repeat(string(rune('a'+id%26)), size), d.ReadString(), "reply %d", id)
			}
		})
	}
}

// TestServerCloseEndsAStalledConnection: Shutdown cannot drain a client
// that never reads, Close then cuts it off, and the server is done.
func TestServerCloseEndsAStalledConnection(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.RegisterInline([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	slow := stalledClient(t, s, "obj", 400, 64<<10)
	time.Sleep(200 * time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	require.ErrorIs(t, s.srv.Shutdown(ctx), context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second, "Shutdown returns when its context ends")

	_ = slow.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, slow.nc)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the connection was never closed")
}

// TestServerReaders: by default a Linux server reads its TCP connections
// on a few poller goroutines (one per P); GoroutinePerConn gives each its own.
func TestServerReaders(t *testing.T) {
	perConn := os.Getenv(readerEnv) == "goroutine"
	if runtime.GOOS != "linux" && !perConn {
		t.Skip("the poller is Linux only")
	}
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	warm := dialRaw(t, s) // the pollers start with the first connection
	warm.request(giop.V1_2, 1, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("x") })
	warm.reply()
	before := runtime.NumGoroutine()
	const conns = 100
	for i := 0; i < conns; i++ {
		r := dialRaw(t, s)
		r.request(giop.V1_2, 1, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("x") })
		r.reply()
	}
	grown := runtime.NumGoroutine() - before
	// Margins: goroutines of earlier tests may still be ending.
	if perConn {
		assert.Greater(t, grown, conns*3/4, "a reading goroutine per connection")
	} else {
		assert.Less(t, grown, conns/4, "connections read by the pollers, not by goroutines of their own")
	}
}
