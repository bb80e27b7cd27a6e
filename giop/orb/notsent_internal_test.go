package orb

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/ior"
)

type pingServant struct{}

func (pingServant) RepositoryIDs() []string { return []string{"IDL:T:1.0"} }
func (pingServant) Dispatch(_ context.Context, op string, _ *cdr.Decoder, out *cdr.Encoder) error {
	out.WriteString(op)
	return nil
}

// TestCallResentWhenItsConnectionClosedBeforeSending: the server closed the
// connection between the client picking it and sending on it (the reader
// saw the end just then). The request never left, so the call goes out
// again on a new connection instead of failing.
func TestCallResentWhenItsConnectionClosedBeforeSending(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := NewAdapter()
	a.Register([]byte("obj"), pingServant{})
	srv := NewServer(a, ServerConfig{Logger: quiet})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	c := NewClient(ClientConfig{Logger: quiet})
	t.Cleanup(func() { c.Close() })
	addr := ln.Addr().(*net.TCPAddr)
	o, err := c.Object(ior.New("IDL:T:1.0", ior.Address{Host: "127.0.0.1", Port: uint16(addr.Port)}, []byte("obj")))
	require.NoError(t, err)

	closed := 0
	testHookBeforeCall = func(cc *clientConn) {
		if closed == 0 {
			closed++
			cc.fail(io.EOF)
		}
	}
	t.Cleanup(func() { testHookBeforeCall = nil })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got string
	err = o.Invoke(ctx, "hello", nil, func(d *cdr.Decoder) error { got = d.ReadString(); return d.Err() })
	require.NoError(t, err)
	require.Equal(t, "hello", got)
	require.Equal(t, 1, closed)
}
