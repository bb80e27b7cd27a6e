package orb_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
)

var versions = []giop.Version{giop.V1_0, giop.V1_1, giop.V1_2}

func sysExc(t *testing.T, rep *giop.Reply, d *cdr.Decoder) *orb.SystemException {
	t.Helper()
	require.Equal(t, giop.SystemException, rep.Status)
	se, err := orb.UnmarshalSystemException(d)
	require.NoError(t, err)
	return se
}

func TestServerAnswersEachVersionInKind(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:Test/Derived:1.0", "IDL:Test/Base:1.0"}})
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			r := dialRaw(t, s)
			r.request(v, 7, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("hello") })
			m := r.read()
			assert.Equal(t, v, m.Header.Version, "reply in the request's version")
			rep, d, err := giop.ParseReply(m, cdr.CodeSets{})
			require.NoError(t, err)
			assert.Equal(t, uint32(7), rep.RequestID)
			require.Equal(t, giop.NoException, rep.Status)
			assert.Equal(t, "hello", d.ReadString())
		})
	}
}

func TestServerExceptionsAndBuiltins(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:Test/Derived:1.0", "IDL:Test/Base:1.0"}})
	str := func(v string) func(*cdr.Encoder) { return func(e *cdr.Encoder) { e.WriteString(v) } }
	type check func(t *testing.T, rep *giop.Reply, d *cdr.Decoder)
	boolean := func(want bool) check {
		return func(t *testing.T, rep *giop.Reply, d *cdr.Decoder) {
			require.Equal(t, giop.NoException, rep.Status)
			assert.Equal(t, want, d.ReadBoolean())
		}
	}
	system := func(name string) check {
		return func(t *testing.T, rep *giop.Reply, d *cdr.Decoder) {
			assert.Equal(t, name, sysExc(t, rep, d).Name())
		}
	}
	cases := []struct {
		name, key, op string
		args          func(*cdr.Encoder)
		check         check
	}{
		{"is_a most derived", "obj", "_is_a", str("IDL:Test/Derived:1.0"), boolean(true)},
		{"is_a base", "obj", "_is_a", str("IDL:Test/Base:1.0"), boolean(true)},
		{"is_a CORBA Object", "obj", "_is_a", str("IDL:omg.org/CORBA/Object:1.0"), boolean(true)},
		{"is_a other", "obj", "_is_a", str("IDL:Test/Other:1.0"), boolean(false)},
		{"non_existent", "obj", "_non_existent", nil, boolean(false)},
		{"not_existent", "obj", "_not_existent", nil, boolean(false)},
		{"non_existent unknown key", "nope", "_non_existent", nil, boolean(true)},
		{"interface", "obj", "_interface", nil, system(orb.NO_IMPLEMENT)},
		{"unknown key", "nope", "echo", str("x"), system(orb.OBJECT_NOT_EXIST)},
		{"unknown operation", "obj", "frobnicate", nil, system(orb.BAD_OPERATION)},
		{"truncated arguments", "obj", "echo", func(e *cdr.Encoder) { e.WriteULong(100) }, system(orb.MARSHAL)},
		{"servant panics", "obj", "panic", nil, system(orb.UNKNOWN)},
		{"user exception", "obj", "fail", str("thing"), func(t *testing.T, rep *giop.Reply, d *cdr.Decoder) {
			require.Equal(t, giop.UserException, rep.Status)
			assert.Equal(t, "IDL:Test/NotFound:1.0", d.ReadString())
			assert.Equal(t, "thing", d.ReadString())
		}},
	}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v.String()+"/"+c.name, func(t *testing.T) {
				r := dialRaw(t, s)
				r.request(v, 1, true, c.key, c.op, c.args)
				rep, d := r.reply()
				c.check(t, rep, d)
			})
		}
	}
}

func TestServerRepliesOutOfOrderOnOneConnection(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	r := dialRaw(t, s)
	delays := []int32{300, 200, 100, 0}
	for i, ms := range delays {
		r.request(giop.V1_2, uint32(i+1), true, "obj", "sleepThenEcho", func(e *cdr.Encoder) { e.WriteLong(ms) })
	}
	var got []uint32
	for range delays {
		rep, d := r.reply()
		require.Equal(t, giop.NoException, rep.Status)
		assert.Equal(t, delays[rep.RequestID-1], d.ReadLong())
		got = append(got, rep.RequestID)
	}
	assert.Equal(t, []uint32{4, 3, 2, 1}, got, "fastest request answered first")
}

func TestServerNeverAnswersOneways(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	sv := &testServant{ids: []string{"IDL:T:1.0"}}
	s.adapter.Register([]byte("obj"), sv)
	for _, v := range versions {
		r := dialRaw(t, s)
		r.request(v, 1, false, "obj", "record", func(e *cdr.Encoder) { e.WriteLong(42) })
		r.request(v, 2, false, "nope", "record", func(e *cdr.Encoder) { e.WriteLong(43) }) // unknown key: still silent
		r.request(v, 3, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("after") })
		rep, _ := r.reply()
		assert.Equal(t, uint32(3), rep.RequestID, "the first message back answers the two-way call")
	}
	require.Eventually(t, func() bool {
		sv.mu.Lock()
		defer sv.mu.Unlock()
		return len(sv.oneways) == len(versions)
	}, 5*time.Second, 5*time.Millisecond)
}

func TestServerCancelRequestSuppressesReply(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	started := make(chan string, 4)
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}, started: started})
	r := dialRaw(t, s)
	r.request(giop.V1_2, 1, true, "obj", "block", nil)
	require.Equal(t, "block", <-started)
	r.write(giop.EncodeCancelRequest(cdr.NewEncoder(false), giop.V1_2, 1))
	r.request(giop.V1_2, 2, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("x") })
	<-started
	rep, _ := r.reply()
	assert.Equal(t, uint32(2), rep.RequestID, "the cancelled request got no reply")
}

func TestServerLocateRequest(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("here"), &testServant{ids: []string{"IDL:T:1.0"}})
	elsewhere := ior.New("IDL:T:1.0", ior.Address{Host: "127.0.0.1", Port: 1}, []byte("there"))
	s.adapter.Forward([]byte("moved"), elsewhere)
	cases := []struct {
		key  string
		want giop.LocateStatus
	}{{"here", giop.ObjectHere}, {"gone", giop.UnknownObject}, {"moved", giop.ObjectForward}}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v.String()+"/"+c.key, func(t *testing.T) {
				r := dialRaw(t, s)
				r.write(giop.EncodeLocateRequest(cdr.NewEncoder(true), v, &giop.LocateRequest{RequestID: 9,
					Target: giop.TargetAddress{ObjectKey: []byte(c.key)}}))
				m := r.read()
				require.Equal(t, giop.MsgLocateReply, m.Header.Type)
				lr, d, err := giop.ParseLocateReply(m)
				require.NoError(t, err)
				assert.Equal(t, uint32(9), lr.RequestID)
				assert.Equal(t, c.want, lr.Status)
				if c.want == giop.ObjectForward {
					fwd, err := ior.Unmarshal(d)
					require.NoError(t, err)
					assert.Equal(t, elsewhere.String(), fwd.String())
				}
			})
		}
	}
}

func TestServerForwardedKeyAnswersLocationForward(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	elsewhere := ior.New("IDL:T:1.0", ior.Address{Host: "127.0.0.1", Port: 1}, []byte("there"))
	s.adapter.Forward([]byte("moved"), elsewhere)
	r := dialRaw(t, s)
	r.request(giop.V1_1, 1, true, "moved", "echo", func(e *cdr.Encoder) { e.WriteString("x") })
	rep, d := r.reply()
	require.Equal(t, giop.LocationForward, rep.Status)
	fwd, err := ior.Unmarshal(d)
	require.NoError(t, err)
	assert.Equal(t, elsewhere.String(), fwd.String())
}

// malformed inputs: each gets a MessageError, then the connection closes,
// and the server goes on serving a fresh connection.
func TestServerMalformedInputGetsMessageErrorAndServerSurvives(t *testing.T) {
	s := startServer(t, orb.ServerConfig{MaxMessageSize: 1 << 16})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	header := func(magic string, major, minor, flags, typ byte, size uint32) []byte {
		b := append([]byte(magic), major, minor, flags, typ, 0, 0, 0, 0)
		binary.BigEndian.PutUint32(b[8:], size)
		return b
	}
	fragment := giop.EncodeFragment(cdr.NewEncoder(false), giop.V1_2, 77, false, []byte{1, 2, 3, 4})
	cases := []struct {
		name    string
		bytes   []byte
		version giop.Version // of the MessageError
	}{
		{"bad magic", header("GIOX", 1, 2, 0, 0, 0), giop.V1_0},
		{"unsupported version", header("GIOP", 1, 9, 0, 0, 0), giop.V1_2},
		{"unknown message type", header("GIOP", 1, 2, 0, 42, 0), giop.V1_0},
		{"oversized message", header("GIOP", 1, 2, 0, 0, 1<<30), giop.V1_0},
		{"fragment out of the blue", fragment, giop.V1_0},
		{"reply sent to a server", giop.EncodeReply(cdr.NewEncoder(false), giop.V1_2, &giop.Reply{RequestID: 1}, nil), giop.V1_2},
		{"request too short for its id", append(header("GIOP", 1, 2, 0, 0, 2), 0xff, 0xff), giop.V1_2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := dialRaw(t, s)
			r.write(c.bytes)
			m := r.read()
			assert.Equal(t, giop.MsgMessageError, m.Header.Type)
			r.expectClosed()

			fresh := dialRaw(t, s)
			fresh.request(giop.V1_2, 1, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("still here") })
			rep, d := fresh.reply()
			require.Equal(t, giop.NoException, rep.Status)
			assert.Equal(t, "still here", d.ReadString())
		})
	}
	t.Run("truncated message then EOF", func(t *testing.T) {
		r := dialRaw(t, s)
		r.write(header("GIOP", 1, 2, 0, 0, 100)[:12])
		r.write([]byte{1, 2, 3})
		r.nc.(interface{ CloseWrite() error }).CloseWrite()
		m := r.read()
		assert.Equal(t, giop.MsgMessageError, m.Header.Type)
	})
}

func TestServerAnswersMarshalWhenOnlyTheRequestIDDecodes(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	r := dialRaw(t, s)
	garbage := []byte{'G', 'I', 'O', 'P', 1, 2, 0, 0, 0, 0, 0, 12, 0, 0, 0, 5, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}
	r.write(garbage)
	rep, d := r.reply()
	assert.Equal(t, uint32(5), rep.RequestID)
	assert.Equal(t, orb.MARSHAL, sysExc(t, rep, d).Name())
}

func TestServerClosesIdleConnectionWithCloseConnection(t *testing.T) {
	s := startServer(t, orb.ServerConfig{IdleTimeout: 50 * time.Millisecond})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	r := dialRaw(t, s)
	r.request(giop.V1_1, 1, true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("x") })
	r.reply()
	m := r.read()
	assert.Equal(t, giop.MsgCloseConnection, m.Header.Type)
	assert.Equal(t, giop.V1_1, m.Header.Version)
	r.expectClosed()
}

func TestServerKeepsAConnectionWithTrafficOpen(t *testing.T) {
	s := startServer(t, orb.ServerConfig{IdleTimeout: 80 * time.Millisecond})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	r := dialRaw(t, s)
	for i := 1; i <= 12; i++ { // 12 x 20 ms: three idle timeouts, never idle for one
		r.request(giop.V1_2, uint32(i), true, "obj", "echo", func(e *cdr.Encoder) { e.WriteString("x") })
		m := r.read()
		require.Equal(t, giop.MsgReply, m.Header.Type, "call %d", i)
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServerIdleTimeoutWaitsForOutstandingRequests(t *testing.T) {
	s := startServer(t, orb.ServerConfig{IdleTimeout: 30 * time.Millisecond})
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}})
	r := dialRaw(t, s)
	r.request(giop.V1_2, 1, true, "obj", "sleepThenEcho", func(e *cdr.Encoder) { e.WriteLong(150) })
	rep, d := r.reply()
	require.Equal(t, giop.NoException, rep.Status, "a busy connection is not idle")
	assert.Equal(t, int32(150), d.ReadLong())
	assert.Equal(t, giop.MsgCloseConnection, r.read().Header.Type)
}

func TestServerShutdownAnswersOutstandingThenCloses(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	started := make(chan string, 4)
	s.adapter.Register([]byte("obj"), &testServant{ids: []string{"IDL:T:1.0"}, started: started})
	r := dialRaw(t, s)
	r.request(giop.V1_2, 1, true, "obj", "sleepThenEcho", func(e *cdr.Encoder) { e.WriteLong(100) })
	<-started
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- s.srv.Shutdown(ctx)
	}()
	rep, _ := r.reply()
	assert.Equal(t, giop.NoException, rep.Status, "the outstanding request is answered")
	assert.Equal(t, giop.MsgCloseConnection, r.read().Header.Type)
	r.expectClosed()
	require.NoError(t, <-done)
}

// rawServant relays pre-encoded reply bodies, as the front end does.
type rawServant struct{}

func (rawServant) RepositoryIDs() []string { return []string{"IDL:T:1.0"} }
func (rawServant) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	body := cdr.NewEncoderAt(out.LittleEndian(), out.Pos())
	body.WriteString("relayed")
	if op == "userexc" {
		return &orb.RawReply{Status: giop.UserException, Body: body.Bytes()}
	}
	out.WriteOctets(body.Bytes())
	return nil
}

func TestServerRelaysRawReplyBodies(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.Register([]byte("obj"), rawServant{})
	for _, v := range versions {
		r := dialRaw(t, s)
		r.request(v, 1, true, "obj", "ok", nil)
		rep, d := r.reply()
		require.Equal(t, giop.NoException, rep.Status)
		assert.Equal(t, "relayed", d.ReadString())
		r.request(v, 2, true, "obj", "userexc", nil)
		rep, d = r.reply()
		require.Equal(t, giop.UserException, rep.Status)
		assert.Equal(t, "relayed", d.ReadString())
	}
}
