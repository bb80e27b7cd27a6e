package javainterop

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// relay forwards TCP connections from a loopback port to target and keeps
// every byte each side sent, so a conversation between two ORBs can be
// split into GIOP messages afterwards.
type relay struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []*relayConn
}

// relayConn is one relayed connection's traffic in both directions.
type relayConn struct{ fromClient, fromServer []byte }

// maxRelayConns bounds the accept loop; a capture needs one or two.
const maxRelayConns = 16

func startRelay(t testing.TB, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := &relay{ln: ln, target: target}
	r.wg.Add(1)
	go r.acceptLoop()
	t.Cleanup(func() { r.close() })
	return r
}

func (r *relay) addr() string { return r.ln.Addr().String() }

func (r *relay) acceptLoop() {
	defer r.wg.Done()
	for i := 0; i < maxRelayConns; i++ {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", r.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		rc := &relayConn{}
		r.mu.Lock()
		r.conns = append(r.conns, rc)
		r.mu.Unlock()
		r.wg.Add(2)
		go r.pipe(c, s, &rc.fromClient)
		go r.pipe(s, c, &rc.fromServer)
	}
}

// pipe copies src to dst, recording what passed, and closes both when src ends.
func (r *relay) pipe(src, dst net.Conn, rec *[]byte) {
	defer r.wg.Done()
	buf := make([]byte, 64*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.mu.Lock()
			*rec = append(*rec, buf[:n]...)
			r.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	_ = src.Close()
	_ = dst.Close()
}

// close stops accepting, waits for every relayed connection to finish and
// returns the traffic.
func (r *relay) close() []*relayConn {
	_ = r.ln.Close()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

// splitFrames cuts a byte stream into whole GIOP frames (fragments stay
// separate frames), using each 12-octet header's size in its byte order.
func splitFrames(b []byte) ([][]byte, error) {
	var frames [][]byte
	for len(b) > 0 {
		if len(b) < 12 || string(b[:4]) != "GIOP" {
			return frames, fmt.Errorf("no GIOP header at offset of %d remaining bytes", len(b))
		}
		var size uint32
		if b[6]&1 != 0 {
			size = binary.LittleEndian.Uint32(b[8:12])
		} else {
			size = binary.BigEndian.Uint32(b[8:12])
		}
		end := 12 + int(size)
		if end > len(b) {
			return frames, io.ErrUnexpectedEOF
		}
		frames = append(frames, b[:end])
		b = b[end:]
	}
	return frames, nil
}
