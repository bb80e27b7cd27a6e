package omni

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// floorServe turns the test binary into the floor server (see TestMain):
// it writes its corbaloc URL to the named file and serves until killed. The
// floor is a process of its own so that the benchmark can keep it to the
// same CPUs as the other servers.
var floorServe = flag.String("floor-server", "", "serve the benchmark's Go floor and write its corbaloc URL to this file (internal)")

// startFloorServer starts the benchmark's floor on cpus: the least a Go
// server can do to answer the load client. It has no ORB in it: it reads
// each GIOP 1.2 frame, recognises the operation by its bytes and writes a
// hand-built reply, with one goroutine per connection on Go's netpoller.
// Whatever concord's ORB costs on top of this is our code; the distance
// from this to omniORB is the Go runtime and the machine. It returns a
// corbaloc URL and the process.
func startFloorServer(tb testing.TB, cpus cpuList) (string, *proc) {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "floor.url")
	p := startProcOn(tb, cpus, os.Args[0], "-test.run=^$", "-floor-server", file)
	return waitFile(tb, p, file), p
}

// serveFloorUntilKilled is the floor server process's main.
func serveFloorUntilKilled(urlFile string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	url := "corbaloc:iiop:1.2@" + ln.Addr().String() + "/Echo\n"
	if err := os.WriteFile(urlFile, []byte(url), 0o644); err != nil {
		return err
	}
	for {
		nc, err := ln.Accept()
		if err != nil {
			return err
		}
		_ = nc.(*net.TCPConn).SetNoDelay(true)
		go serveFloor(nc)
	}
}

const (
	giopRequest       = 0
	giopReply         = 1
	giopLocateRequest = 3
	giopLocateReply   = 4
)

func serveFloor(nc net.Conn) {
	defer nc.Close()
	r := bufio.NewReaderSize(nc, 64<<10)
	var hdr [12]byte
	body := make([]byte, 0, 64<<10)
	out := make([]byte, 0, 64)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		var bo binary.ByteOrder = binary.BigEndian
		if hdr[6]&1 == 1 {
			bo = binary.LittleEndian
		}
		n := bo.Uint32(hdr[8:])
		if hdr[5] != 2 || n < 4 || n > uint32(cap(body)) {
			return // the floor speaks GIOP 1.2 with small messages only
		}
		body = body[:n]
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		id := bo.Uint32(body)
		out = append(out[:0], 'G', 'I', 'O', 'P', 1, 2, hdr[6]&1, giopReply, 0, 0, 0, 0)
		out = appendULong(out, bo, id)
		switch hdr[7] {
		case giopLocateRequest:
			out[7] = giopLocateReply
			out = appendULong(out, bo, 1) // OBJECT_HERE
		case giopRequest:
			out = appendULong(out, bo, 0) // NO_EXCEPTION
			out = appendULong(out, bo, 0) // no service contexts; the body starts 8-aligned
			switch {
			case hasOperation(body, bo, "_is_a"):
				out = append(out, 1)
			case hasOperation(body, bo, "add") && n >= 8:
				// add's two longs end the 8-aligned body.
				out = appendULong(out, bo, bo.Uint32(body[n-8:])+bo.Uint32(body[n-4:]))
			}
			if body[4]&3 == 0 {
				continue // oneway
			}
		default:
			return
		}
		bo.PutUint32(out[8:], uint32(len(out)-12))
		if _, err := nc.Write(out); err != nil {
			return
		}
	}
}

// hasOperation looks for op as a CDR string (length, bytes, NUL).
func hasOperation(body []byte, bo binary.ByteOrder, op string) bool {
	s := appendULong(nil, bo, uint32(len(op)+1))
	return bytes.Contains(body, append(append(s, op...), 0))
}

func appendULong(b []byte, bo binary.ByteOrder, v uint32) []byte {
	var x [4]byte
	bo.PutUint32(x[:], v)
	return append(b, x[:]...)
}
