package orb_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/orb"
)

func echo(ctx context.Context, o *orb.ObjectRef, in string) (string, error) {
	var out string
	err := o.Invoke(ctx, "echo", func(e *cdr.Encoder) { e.WriteString(in) },
		func(d *cdr.Decoder) error { out = d.ReadString(); return d.Err() })
	return out, err
}

func TestClientCallsByIORAndCorbalocInEveryVersion(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("my obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	refs := map[string]string{
		"IOR":                 s.ior("IDL:T:1.0", "my obj").String(),
		"corbaloc no version": fmt.Sprintf("corbaloc:iiop:%s/my%%20obj", s.addr),
		"corbaloc 1.1":        fmt.Sprintf("corbaloc:iiop:1.1@%s/my%%20obj", s.addr),
		"corbaloc 1.2":        fmt.Sprintf("corbaloc::1.2@%s/my%%20obj", s.addr),
	}
	for _, bigEndian := range []bool{false, true} {
		c := newClient(t, orb.ClientConfig{BigEndian: bigEndian})
		for name, ref := range refs {
			t.Run(fmt.Sprintf("%s/big-endian=%v", name, bigEndian), func(t *testing.T) {
				o, err := c.StringToObject(ref)
				require.NoError(t, err)
				got, err := echo(ctxT(t), o, "café")
				require.NoError(t, err)
				assert.Equal(t, "café", got)
				is, err := o.IsA(ctxT(t), "IDL:T:1.0")
				require.NoError(t, err)
				assert.True(t, is)
			})
		}
	}
}

func TestClientNegotiatesUTF8WhenTheIORAdvertisesIt(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	c := newClient(t, orb.ClientConfig{})

	byIOR, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	got, err := echo(ctxT(t), byIOR, "Ωmega ✓")
	require.NoError(t, err, "UTF-8 negotiated through TAG_CODE_SETS")
	assert.Equal(t, "Ωmega ✓", got)

	var wgot string
	err = byIOR.Invoke(ctxT(t), "wecho", func(e *cdr.Encoder) { e.WriteWString("wide ✓ 𝄞") },
		func(d *cdr.Decoder) error { wgot = d.ReadWString(); return d.Err() })
	require.NoError(t, err)
	assert.Equal(t, "wide ✓ 𝄞", wgot)

	// Code sets belong to a connection: a fresh client, no negotiation.
	c2 := newClient(t, orb.ClientConfig{})
	byURL, err := c2.StringToObject(fmt.Sprintf("corbaloc::1.2@%s/obj", s.addr))
	require.NoError(t, err)
	_, err = echo(ctxT(t), byURL, "Ωmega")
	var se *orb.SystemException
	require.ErrorAs(t, err, &se, "without negotiation char data is ISO-8859-1")
	assert.Equal(t, orb.DATA_CONVERSION, se.Name())
}

func TestClientMultiplexesManyCallsOnOneConnection(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	const calls = 200
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var got int32
			ms := int32(i % 20)
			err := o.Invoke(ctxT(t), "sleepThenEcho", func(e *cdr.Encoder) { e.WriteLong(ms) },
				func(d *cdr.Decoder) error { got = d.ReadLong(); return d.Err() })
			if err == nil && got != ms {
				err = fmt.Errorf("call %d got %d", i, got)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestClientOneConnectionPerServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	a := orb.NewAdapter()
	a.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	srv := orb.NewServer(a, orb.ServerConfig{Logger: quiet})
	accepted := make(chan struct{}, 100)
	go srv.Serve(&notifyListener{Listener: ln, accepted: accepted})
	t.Cleanup(func() { srv.Close() })
	c := newClient(t, orb.ClientConfig{})
	o, err := c.StringToObject(fmt.Sprintf("corbaloc::1.2@%s/obj", ln.Addr()))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); _, err := echo(ctxT(t), o, "x"); assert.NoError(t, err) }()
	}
	wg.Wait()
	assert.Len(t, accepted, 1, "all calls share one connection")
}

type notifyListener struct {
	net.Listener
	accepted chan struct{}
}

func (l *notifyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted <- struct{}{}
	}
	return c, err
}

func TestClientExceptions(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)

	err = o.Invoke(ctxT(t), "fail", func(e *cdr.Encoder) { e.WriteString("the thing") }, nil)
	var ue *orb.UserExceptionReply
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "IDL:Test/NotFound:1.0", ue.RepoID)
	assert.Equal(t, "the thing", ue.Body.ReadString())

	err = o.Invoke(ctxT(t), "nosuchop", nil, nil)
	var se *orb.SystemException
	require.ErrorAs(t, err, &se)
	assert.Equal(t, orb.BAD_OPERATION, se.Name())
	assert.Equal(t, orb.CompletedNo, se.Completed)
	assert.ErrorIs(t, err, orb.NewSystemException(orb.BAD_OPERATION, 0, 0, ""))

	gone, err := c.Object(s.ior("IDL:T:1.0", "missing"))
	require.NoError(t, err)
	err = gone.Invoke(ctxT(t), "echo", nil, nil)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, orb.OBJECT_NOT_EXIST, se.Name())
	ne, err := gone.NonExistent(ctxT(t))
	require.NoError(t, err)
	assert.True(t, ne)
}

func TestClientDeadlineSendsCancelAndReturnsTimeout(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	started := make(chan string, 8)
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}, started: started})
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = o.Invoke(ctx, "block", nil, nil)
	var se *orb.SystemException
	require.ErrorAs(t, err, &se)
	assert.Equal(t, orb.TIMEOUT, se.Name())
	<-started
	// The connection is still good for other calls.
	got, err := echo(ctxT(t), o, "after")
	require.NoError(t, err)
	assert.Equal(t, "after", got)
}

func TestClientFollowsLocationForward(t *testing.T) {
	front := startServer(t, orb.ServerConfig{})
	back := startServer(t, orb.ServerConfig{})
	back.adapter.Register([]byte("real"), &testServant{ids: []string{"IDL:T:1.0"}})
	front.adapter.Forward([]byte("obj"), back.ior("IDL:T:1.0", "real"))
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(front.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	got, err := echo(ctxT(t), o, "forwarded")
	require.NoError(t, err)
	assert.Equal(t, "forwarded", got)

	// When the forward target dies, the reference falls back to the original.
	back.srv.Close()
	front.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	got, err = echo(ctxT(t), o, "back home")
	require.NoError(t, err)
	assert.Equal(t, "back home", got)
}

func TestClientForwardLoopIsBounded(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Forward([]byte("a"), s.ior("IDL:T:1.0", "b"))
	s.adapter.Forward([]byte("b"), s.ior("IDL:T:1.0", "a"))
	c := newClient(t, orb.ClientConfig{MaxForwards: 4})
	o, err := c.Object(s.ior("IDL:T:1.0", "a"))
	require.NoError(t, err)
	err = o.Invoke(ctxT(t), "echo", nil, nil)
	var se *orb.SystemException
	require.ErrorAs(t, err, &se)
	assert.Equal(t, orb.TRANSIENT, se.Name())
}

func TestClientReconnectsAfterOrderlyClose(t *testing.T) {
	s := startServer(t, orb.ServerConfig{IdleTimeout: 30 * time.Millisecond})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	for i := range 5 {
		got, err := echo(ctxT(t), o, fmt.Sprint(i))
		require.NoError(t, err, "call %d", i)
		assert.Equal(t, fmt.Sprint(i), got)
		time.Sleep(60 * time.Millisecond) // the server closes the idle connection meanwhile
	}
}

func TestClientReissuesRequestAnsweredWithCloseConnection(t *testing.T) {
	// The first connection's server reads the request and closes with
	// CloseConnection instead of answering, as a server shutting down does:
	// the request was not processed, so the client sends it again.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	a := orb.NewAdapter()
	a.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	srv := orb.NewServer(a, orb.ServerConfig{Logger: quiet})
	t.Cleanup(func() { srv.Close() })
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		_, _ = giop.NewReader(nc, 0).ReadMessage()
		_, _ = nc.Write(giop.EncodeCloseConnection(cdr.NewEncoder(false), giop.V1_2))
		nc.Close()
		_ = srv.Serve(ln)
	}()
	c := newClient(t, orb.ClientConfig{})
	o, err := c.StringToObject("corbaloc::1.2@" + ln.Addr().String() + "/obj")
	require.NoError(t, err)
	got, err := echo(ctxT(t), o, "reissued")
	require.NoError(t, err)
	assert.Equal(t, "reissued", got)
}

func TestClientUnreachableIsTransient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	c := newClient(t, orb.ClientConfig{})
	o, err := c.StringToObject("corbaloc::1.2@" + addr + "/obj")
	require.NoError(t, err)
	err = o.Invoke(ctxT(t), "echo", nil, nil)
	var se *orb.SystemException
	require.ErrorAs(t, err, &se)
	assert.Equal(t, orb.TRANSIENT, se.Name())
	assert.Equal(t, orb.CompletedNo, se.Completed)
}

func TestClientServerDiesMidCallIsCommFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		rd := giop.NewReader(nc, 0)
		_, _ = rd.ReadMessage()
		nc.Close() // dies without answering
	}()
	c := newClient(t, orb.ClientConfig{})
	o, err := c.StringToObject("corbaloc::1.2@" + ln.Addr().String() + "/obj")
	require.NoError(t, err)
	err = o.Invoke(ctxT(t), "echo", func(e *cdr.Encoder) { e.WriteString("x") }, nil)
	var se *orb.SystemException
	require.ErrorAs(t, err, &se)
	assert.Equal(t, orb.COMM_FAILURE, se.Name())
	assert.Equal(t, orb.CompletedMaybe, se.Completed)
}

func TestClientOnewayIsFireAndForget(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	sv := &testServant{ids: []string{"IDL:T:1.0"}}
	s.adapter.Register([]byte("obj"), sv)
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	for i := range 10 {
		require.NoError(t, o.InvokeOneway(ctxT(t), "record", func(e *cdr.Encoder) { e.WriteLong(int32(i)) }))
	}
	require.Eventually(t, func() bool {
		sv.mu.Lock()
		defer sv.mu.Unlock()
		return len(sv.oneways) == 10
	}, 5*time.Second, 5*time.Millisecond)
}

func TestClientLargeMessages(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	c := newClient(t, orb.ClientConfig{})
	o, err := c.Object(s.ior("IDL:T:1.0", "obj"))
	require.NoError(t, err)
	big := strings.Repeat("0123456789", 100_000)
	got, err := echo(ctxT(t), o, big)
	require.NoError(t, err)
	assert.Equal(t, big, got)
}

func TestClientRejectsBadReferences(t *testing.T) {
	c := newClient(t, orb.ClientConfig{})
	for _, s := range []string{"", "IOR:zz", "corbaloc:rir:/NameService", "corbaloc:iiop:host:99999/x", "http://x"} {
		_, err := c.StringToObject(s)
		assert.Error(t, err, "%q", s)
	}
	_ = errors.New
}
