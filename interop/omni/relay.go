package omni

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
)

// Frame is one GIOP message (or, after a framing error, the raw rest of the
// stream) seen by a Relay, exactly as it crossed the wire.
type Frame struct {
	Seq        int  // global arrival order across connections and directions
	Conn       int  // accepted connection number, from 0
	FromClient bool // client -> server
	Bytes      []byte
}

// Relay is a TCP proxy on 127.0.0.1 that forwards to a target and records
// every GIOP message in both directions, for capturing real traffic.
type Relay struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu     sync.Mutex
	frames []Frame
	conns  []net.Conn
	nconn  int
}

// NewRelay listens on an ephemeral loopback port and relays to target.
func NewRelay(target string) (*Relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Relay{ln: ln, target: target}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// Addr is the relay's listening address.
func (r *Relay) Addr() *net.TCPAddr { return r.ln.Addr().(*net.TCPAddr) }

// Frames returns a copy of the frames recorded so far, in arrival order.
func (r *Relay) Frames() []Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Frame(nil), r.frames...)
}

// Close stops listening, closes every relayed connection and waits for the
// relay goroutines.
func (r *Relay) Close() error {
	err := r.ln.Close()
	r.mu.Lock()
	for _, c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return err
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", r.target)
		if err != nil {
			c.Close()
			continue
		}
		r.mu.Lock()
		id := r.nconn
		r.nconn++
		r.conns = append(r.conns, c, s)
		r.mu.Unlock()
		r.wg.Add(2)
		go r.pipe(id, true, c, s)
		go r.pipe(id, false, s, c)
	}
}

// pipe copies src to dst one GIOP message at a time, recording each.
func (r *Relay) pipe(conn int, fromClient bool, src, dst net.Conn) {
	defer r.wg.Done()
	// Half-close so the other side sees the orderly shutdown it would see directly.
	defer func() {
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
	}()
	for {
		msg, err := readFrame(src)
		if len(msg) > 0 {
			r.record(conn, fromClient, msg)
			if _, werr := dst.Write(msg); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// maxFrame bounds a recorded message: the relay is a test tool, not a sink.
const maxFrame = 16 << 20

var errNotGIOP = errors.New("not a GIOP header")

// readFrame reads one GIOP message; on a malformed header it returns whatever
// else arrives (bounded) so garbage is still relayed and recorded.
func readFrame(src io.Reader) ([]byte, error) {
	hdr := make([]byte, 12)
	n, err := io.ReadFull(src, hdr)
	if err != nil {
		return hdr[:n], err
	}
	if string(hdr[:4]) != "GIOP" {
		rest := make([]byte, 4096)
		m, _ := src.Read(rest)
		return append(hdr, rest[:m]...), nil
	}
	var size uint32
	if hdr[6]&1 != 0 {
		size = binary.LittleEndian.Uint32(hdr[8:])
	} else {
		size = binary.BigEndian.Uint32(hdr[8:])
	}
	if size > maxFrame {
		return hdr, errNotGIOP
	}
	msg := make([]byte, 12+int(size))
	copy(msg, hdr)
	n, err = io.ReadFull(src, msg[12:])
	return msg[:12+n], err
}

func (r *Relay) record(conn int, fromClient bool, msg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frames = append(r.frames, Frame{Seq: len(r.frames), Conn: conn, FromClient: fromClient, Bytes: msg})
}
