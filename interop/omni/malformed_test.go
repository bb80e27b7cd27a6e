package omni

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/orb"
)

// header builds a little-endian GIOP header.
func header(minor, flags, typ uint8, size uint32) []byte {
	h := []byte{'G', 'I', 'O', 'P', 1, minor, flags, typ, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(h[8:], size)
	return h
}

// validRequest12 is a well-formed GIOP 1.2 "ping" on key Echo.
func validRequest12(id uint32) []byte {
	return giop.EncodeRequest(cdr.NewEncoder(true), giop.V1_2, &giop.Request{RequestID: id, ResponseFlags: giop.ResponseExpected,
		Target: giop.TargetAddress{Disposition: giop.KeyAddr, ObjectKey: []byte("Echo")}, Operation: "ping"}, nil)
}

// TestConcordSurvivesMalformedInput sends each class of malformed input over
// a real socket: the server must answer MessageError or close, and a fresh
// connection must still get answers.
func TestConcordSurvivesMalformedInput(t *testing.T) {
	srv := startConcord(t, "--max-message-size", "1048576")
	frag := validRequest12(9)
	frag[6] |= giop.FlagMoreFragments
	cases := []struct {
		name  string
		input []byte
		// halfClose: stop sending after input (a truncated message).
		halfClose bool
		// wantMessageError: the server must send MessageError before closing
		// (false: MessageError or a bare close are both fine).
		wantMessageError bool
		// mayStayOpen: the framing is intact, so the server may answer with a
		// MARSHAL reply and keep the connection.
		mayStayOpen bool
	}{
		{"garbage", []byte("this is not GIOP at all, just text\r\n"), false, false, false},
		{"bad magic", append([]byte("GIOX"), header(2, 1, 0, 0)[4:]...), false, true, false},
		{"unsupported version 1.9", header(9, 1, 0, 0), false, true, false},
		{"unsupported version 2.0", append([]byte("GIOP\x02\x00\x01\x00"), 0, 0, 0, 0), false, true, false},
		{"unknown message type", header(2, 1, 42, 0), false, true, false},
		{"undefined flag bits", header(2, 0x05, 0, 0), false, true, false},
		{"oversized size field", header(2, 1, 0, 0xfffffff0), false, true, false},
		{"size above the configured maximum", header(2, 1, 0, 2<<20), false, true, false},
		{"truncated header", []byte("GIOP\x01\x02"), true, false, false},
		{"truncated body", append(header(2, 1, 0, 100), make([]byte, 10)...), true, false, false},
		{"orphan 1.2 fragment", append(header(2, 1, 7, 8), 1, 0, 0, 0, 'a', 'b', 'c', 'd'), false, true, false},
		{"orphan 1.1 fragment", append(header(1, 1, 7, 4), 'a', 'b', 'c', 'd'), false, true, false},
		{"fragment in GIOP 1.0", append(header(0, 1, 7, 4), 'a', 'b', 'c', 'd'), false, true, false},
		{"fragment continuing another request", append(frag, append(header(2, 1, 7, 8), 2, 0, 0, 0, 0, 0, 0, 0)...), false, true, false},
		{"fragment with more-fragments on CloseConnection", header(2, 3, 5, 0), false, true, false},
		{"request header with huge operation length", append(header(0, 1, 0, 24),
			0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 'E', 'c', 'h', 'o', 0xff, 0xff, 0xff, 0x7f), false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sendAndDrain(t, srv.Addr.String(), c.input, c.halfClose, c.mayStayOpen)
			if c.wantMessageError || len(got) > 0 {
				require.GreaterOrEqual(t, len(got), giop.HeaderSize, "answer %x", got)
				var found bool
				rd := giop.NewReader(bytes.NewReader(got), 0)
				for {
					m, err := rd.ReadMessage()
					if err != nil {
						break
					}
					found = found || m.Header.Type == giop.MsgMessageError
					// A Reply is fine for a header the server could still
					// answer (e.g. MARSHAL for a bad operation name).
					assert.Contains(t, []giop.MsgType{giop.MsgMessageError, giop.MsgReply, giop.MsgCloseConnection}, m.Header.Type)
				}
				if c.wantMessageError {
					assert.True(t, found, "no MessageError in answer %x", got)
				}
			}
			assertServes(t, srv)
		})
	}
	assert.Contains(t, srv.proc.out.String(), "bench-server listening")
}

// sendAndDrain writes input and returns everything the server sends until it
// closes the connection (bounded by a deadline, which only mayStayOpen
// tolerates, and only after an answer).
func sendAndDrain(t *testing.T, addr string, input []byte, halfClose, mayStayOpen bool) []byte {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write(input)
	require.NoError(t, err)
	if halfClose {
		require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(3*time.Second)))
	got, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() && !(mayStayOpen && len(got) > 0) {
		t.Fatalf("server neither answered nor closed within 3s (got %x)", got)
	}
	return got
}

// assertServes checks that a fresh connection gets a correct answer.
func assertServes(t *testing.T, srv *concordServer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := orb.NewClient(orb.ClientConfig{DialTimeout: 2 * time.Second})
	defer c.Close()
	o, err := c.StringToObject(srv.IOR)
	require.NoError(t, err)
	sum, err := echoClient{o}.add(ctx, 40, 2)
	require.NoError(t, err, "server stopped serving; its log:\n%s", srv.proc.tail(10))
	assert.Equal(t, int32(42), sum)
}
