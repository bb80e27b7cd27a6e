package omni

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/orb"
)

// TestOmniClientCallsConcord runs the omniORB C++ client against
// `concord bench-server` in each GIOP version.
func TestOmniClientCallsConcord(t *testing.T) {
	bins := buildOmni(t)
	srv := startConcord(t)
	cases := []struct {
		name string
		ref  string
		ops  []string
	}{
		{"GIOP 1.0 corbaloc without version", corbaloc(srv.Addr, -1, "Echo"), []string{"ping", "add", "small", "isa", "nonexist", "locate"}},
		{"GIOP 1.0 100 KB unfragmented", corbaloc(srv.Addr, -1, "Echo"), []string{"big:100000"}},
		{"GIOP 1.1 corbaloc fragmented 100 KB", corbaloc(srv.Addr, 1, "Echo"), []string{"ping", "add", "big:100000"}},
		{"GIOP 1.2 IOR", srv.IOR, []string{"ping", "add", "small", "isa", "nonexist", "locate"}},
		{"GIOP 1.2 IOR fragmented 100 KB", srv.IOR, []string{"big:100000", "big:100000"}},
		{"GIOP 1.2 unknown key", corbaloc(srv.Addr, 2, "Nope"), []string{"noobj"}},
		{"GIOP 1.2 unknown key without LocateRequest", corbaloc(srv.Addr, 2, "Nope"), []string{"-ORBverifyObjectExistsAndType", "0", "noobj"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var args []string
			ops := c.ops
			// ORB options go before the reference.
			if len(ops) > 1 && strings.HasPrefix(ops[0], "-ORB") {
				args, ops = append(args, ops[:2]...), ops[2:]
			}
			args = append(append(args, c.ref), ops...)
			out, err := runClient(t, 30*time.Second, bins.Client, args...)
			require.NoError(t, err, "echo_client output:\n%s\nconcord:\n%s", out, srv.proc.tail(15))
			assert.Contains(t, out, "ALL OK")
		})
	}
}

// echoClient is the Go side of Bench::Echo, marshalled by hand.
type echoClient struct{ o *orb.ObjectRef }

func (e echoClient) ping(ctx context.Context) error { return e.o.Invoke(ctx, "ping", nil, nil) }

func (e echoClient) add(ctx context.Context, a, b int32) (int32, error) {
	var r int32
	err := e.o.Invoke(ctx, "add", func(enc *cdr.Encoder) { enc.WriteLong(a); enc.WriteLong(b) },
		func(d *cdr.Decoder) error { r = d.ReadLong(); return d.Err() })
	return r, err
}

func (e echoClient) echoString(ctx context.Context, s string) (string, error) {
	var r string
	err := e.o.Invoke(ctx, "echoString", func(enc *cdr.Encoder) { enc.WriteString(s) },
		func(d *cdr.Decoder) error { r = d.ReadString(); return d.Err() })
	return r, err
}

// pattern matches echo_client.cc's test strings.
func pattern(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + (i*7+i/26)%26)
	}
	return string(b)
}

// TestGoClientCallsOmniORB runs concord's Go client against the omniORB C++
// server the same way.
func TestGoClientCallsOmniORB(t *testing.T) {
	bins := buildOmni(t)
	srv := startOmniServer(t, bins)
	refs := []struct{ name, ref string }{
		{"GIOP 1.0 corbaloc without version", corbaloc(srv.Addr, -1, "Echo")},
		{"GIOP 1.1 corbaloc", corbaloc(srv.Addr, 1, "Echo")},
		{"GIOP 1.2 IOR", srv.Echo},
		{"GIOP 1.2 LOCATION_FORWARD", srv.Fwd},
	}
	for _, r := range refs {
		t.Run(r.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c := orb.NewClient(orb.ClientConfig{DialTimeout: 5 * time.Second})
			defer c.Close()
			o, err := c.StringToObject(r.ref)
			require.NoError(t, err)
			e := echoClient{o}
			require.NoError(t, e.ping(ctx))
			for _, tc := range []struct{ a, b, want int32 }{{2, 3, 5}, {-7, 40, 33}, {0, 0, 0}} {
				got, err := e.add(ctx, tc.a, tc.b)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got, "add(%d, %d)", tc.a, tc.b)
			}
			for _, n := range []int{0, 12, 1000, 100000} {
				s := pattern(n)
				got, err := e.echoString(ctx, s)
				require.NoError(t, err, "echoString of %d bytes", n)
				assert.True(t, got == s, "echoString of %d bytes returned %d bytes", n, len(got))
			}
			is, err := o.IsA(ctx, "IDL:Bench/Echo:1.0")
			require.NoError(t, err)
			assert.True(t, is)
			is, err = o.IsA(ctx, "IDL:Other/Thing:1.0")
			require.NoError(t, err)
			assert.False(t, is)
		})
	}
}

// TestGoClientExceptionsFromOmniORB checks that omniORB's exception replies
// surface as the documented Go errors.
func TestGoClientExceptionsFromOmniORB(t *testing.T) {
	bins := buildOmni(t)
	srv := startOmniServer(t, bins)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := orb.NewClient(orb.ClientConfig{DialTimeout: 5 * time.Second})
	defer c.Close()
	probe, err := c.StringToObject(srv.Probe)
	require.NoError(t, err)
	missing, err := c.StringToObject(corbaloc(srv.Addr, 2, "Nope"))
	require.NoError(t, err)

	cases := []struct {
		name  string
		call  func() error
		check func(t *testing.T, err error)
	}{
		{"user exception", func() error {
			return probe.Invoke(ctx, "failUser", func(e *cdr.Encoder) { e.WriteLong(7) }, nil)
		}, func(t *testing.T, err error) {
			var ue *orb.UserExceptionReply
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "IDL:Probe/Refused:1.0", ue.RepoID)
			assert.Equal(t, int32(7), ue.Body.ReadLong())
			assert.Equal(t, "refused by probe", ue.Body.ReadString())
			assert.NoError(t, ue.Body.Err())
		}},
		{"system exception", func() error {
			return probe.Invoke(ctx, "failSystem", func(e *cdr.Encoder) { e.WriteULong(42) }, nil)
		}, func(t *testing.T, err error) {
			var se *orb.SystemException
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "IDL:omg.org/CORBA/BAD_PARAM:1.0", se.RepoID)
			assert.Equal(t, uint32(42), se.Minor)
		}},
		{"unknown operation", func() error { return probe.Invoke(ctx, "ping", nil, nil) }, func(t *testing.T, err error) {
			var se *orb.SystemException
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "IDL:omg.org/CORBA/BAD_OPERATION:1.0", se.RepoID)
		}},
		{"unknown object", func() error { return missing.Invoke(ctx, "ping", nil, nil) }, func(t *testing.T, err error) {
			var se *orb.SystemException
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "IDL:omg.org/CORBA/OBJECT_NOT_EXIST:1.0", se.RepoID)
		}},
		{"oneway", func() error {
			return probe.InvokeOneway(ctx, "note", func(e *cdr.Encoder) { e.WriteString("from Go") })
		}, func(t *testing.T, err error) { assert.NoError(t, err) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, c.call()) })
	}
	// The connection is still good after all of that.
	var ue *orb.UserExceptionReply
	require.ErrorAs(t, probe.Invoke(ctx, "failUser", func(e *cdr.Encoder) { e.WriteLong(1) }, nil), &ue)
}
