package naming

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
)

// fixture serves a naming context on a real loopback port.
type fixture struct {
	ctx  *Context
	ns   *orb.ObjectRef
	cli  *orb.Client
	addr ior.Address
}

func start(t *testing.T, names ...string) *fixture {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := orb.NewAdapter()
	addr := ior.Address{Host: "127.0.0.1", Port: uint16(ln.Addr().(*net.TCPAddr).Port)}
	mk := func(typeID string, key []byte) *ior.IOR { return ior.New(typeID, addr, key) }
	c := New(a, mk)
	a.Register([]byte("NameService"), c)
	for _, n := range names {
		c.Publish(Component{ID: n}, mk("IDL:test/"+n+":1.0", []byte(n)))
	}
	srv := orb.NewServer(a, orb.ServerConfig{Logger: quiet})
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	cli := orb.NewClient(orb.ClientConfig{Logger: quiet})
	t.Cleanup(func() { cli.Close(); srv.Close(); <-done })
	ns, err := cli.StringToObject(fmt.Sprintf("corbaloc:iiop:1.2@127.0.0.1:%d/NameService", addr.Port))
	require.NoError(t, err)
	return &fixture{ctx: c, ns: ns, cli: cli, addr: addr}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func readBindings(d *cdr.Decoder) []Binding {
	n := d.ReadSeqLen(12)
	var out []Binding
	for i := 0; i < n && d.Err() == nil; i++ {
		out = append(out, Binding{Name: readName(d), Type: BindingType(d.ReadULong())})
	}
	return out
}

func names(bs []Binding) []string {
	var s []string
	for _, b := range bs {
		s = append(s, b.Name.String())
	}
	return s
}

func TestResolve(t *testing.T) {
	f := start(t, "DEMS", "JustHungry")
	cases := []struct {
		name    string
		op      string
		arg     func(*cdr.Encoder)
		typeID  string
		userExc string
		why     NotFoundReason
	}{
		{"resolve", "resolve", func(e *cdr.Encoder) { writeName(e, Name{{"DEMS", ""}}) }, "IDL:test/DEMS:1.0", "", 0},
		{"resolve_str", "resolve_str", func(e *cdr.Encoder) { e.WriteString("JustHungry") }, "IDL:test/JustHungry:1.0", "", 0},
		{"missing", "resolve", func(e *cdr.Encoder) { writeName(e, Name{{"Nope", ""}}) }, "", (&NotFound{}).RepositoryID(), MissingNode},
		{"wrong kind", "resolve_str", func(e *cdr.Encoder) { e.WriteString("DEMS.ctx") }, "", (&NotFound{}).RepositoryID(), MissingNode},
		{"not a context", "resolve_str", func(e *cdr.Encoder) { e.WriteString("DEMS/x") }, "", (&NotFound{}).RepositoryID(), NotContext},
		{"empty name", "resolve", func(e *cdr.Encoder) { writeName(e, nil) }, "", (&InvalidName{}).RepositoryID(), 0},
		{"bad string", "resolve_str", func(e *cdr.Encoder) { e.WriteString("a//b") }, "", (&InvalidName{}).RepositoryID(), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got *ior.IOR
			err := f.ns.Invoke(ctxT(t), tc.op, tc.arg, func(d *cdr.Decoder) error {
				var err error
				got, err = ior.Unmarshal(d)
				return err
			})
			if tc.userExc == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.typeID, got.TypeID)
				return
			}
			var ue *orb.UserExceptionReply
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, tc.userExc, ue.RepoID)
			if tc.userExc == (&NotFound{}).RepositoryID() {
				assert.Equal(t, uint32(tc.why), ue.Body.ReadULong())
			}
		})
	}
}

func TestListAndIterator(t *testing.T) {
	f := start(t, "e", "c", "a", "d", "b")
	cases := []struct {
		name     string
		howMany  uint32
		first    []string
		iterator bool
	}{
		{"all at once", 10, []string{"a", "b", "c", "d", "e"}, false},
		{"exactly all", 5, []string{"a", "b", "c", "d", "e"}, false},
		{"first two, then iterate", 2, []string{"a", "b"}, true},
		{"none, all through the iterator", 0, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var bl []Binding
			var it *ior.IOR
			err := f.ns.Invoke(ctxT(t), "list", func(e *cdr.Encoder) { e.WriteULong(tc.howMany) }, func(d *cdr.Decoder) error {
				bl = readBindings(d)
				var err error
				it, err = ior.Unmarshal(d)
				return err
			})
			require.NoError(t, err)
			assert.Equal(t, tc.first, names(bl))
			require.Equal(t, tc.iterator, !it.IsNil())
			if !tc.iterator {
				return
			}
			ref, err := f.cli.Object(it)
			require.NoError(t, err)
			all := names(bl)
			// next_one, then next_n for the rest, then both report the end.
			var more bool
			var one Binding
			require.NoError(t, ref.Invoke(ctxT(t), "next_one", nil, func(d *cdr.Decoder) error {
				more = d.ReadBoolean()
				one = Binding{Name: readName(d), Type: BindingType(d.ReadULong())}
				return d.Err()
			}))
			require.True(t, more)
			all = append(all, one.Name.String())
			for i := 0; more; i++ {
				require.Less(t, i, 10)
				require.NoError(t, ref.Invoke(ctxT(t), "next_n", func(e *cdr.Encoder) { e.WriteULong(2) }, func(d *cdr.Decoder) error {
					more = d.ReadBoolean()
					all = append(all, names(readBindings(d))...)
					return d.Err()
				}))
			}
			assert.Equal(t, []string{"a", "b", "c", "d", "e"}, all)
			err = ref.Invoke(ctxT(t), "next_n", func(e *cdr.Encoder) { e.WriteULong(0) }, nil)
			assert.True(t, errors.Is(err, orb.NewSystemException(orb.BAD_PARAM, 0, 0, "")), "next_n(0): %v", err)
			require.NoError(t, ref.Invoke(ctxT(t), "destroy", nil, nil))
			err = ref.Invoke(ctxT(t), "next_one", nil, nil)
			assert.True(t, errors.Is(err, orb.NewSystemException(orb.OBJECT_NOT_EXIST, 0, 0, "")), "after destroy: %v", err)
		})
	}
}

func TestReadOnlyAndConversions(t *testing.T) {
	f := start(t, "DEMS")
	for _, op := range []string{"bind", "rebind", "unbind", "bind_new_context", "destroy"} {
		t.Run(op, func(t *testing.T) {
			err := f.ns.Invoke(ctxT(t), op, func(e *cdr.Encoder) { writeName(e, Name{{"x", ""}}) }, nil)
			assert.True(t, errors.Is(err, orb.NewSystemException(orb.NO_PERMISSION, 0, 0, "")), "%v", err)
		})
	}
	t.Run("unknown op", func(t *testing.T) {
		err := f.ns.Invoke(ctxT(t), "frobnicate", nil, nil)
		assert.True(t, errors.Is(err, orb.NewSystemException(orb.BAD_OPERATION, 0, 0, "")), "%v", err)
	})
	t.Run("to_string", func(t *testing.T) {
		var s string
		require.NoError(t, f.ns.Invoke(ctxT(t), "to_string", func(e *cdr.Encoder) { writeName(e, Name{{"a", "b"}, {"c", ""}}) },
			func(d *cdr.Decoder) error { s = d.ReadString(); return d.Err() }))
		assert.Equal(t, "a.b/c", s)
	})
	t.Run("to_name", func(t *testing.T) {
		var n Name
		require.NoError(t, f.ns.Invoke(ctxT(t), "to_name", func(e *cdr.Encoder) { e.WriteString("a.b/c") },
			func(d *cdr.Decoder) error { n = readName(d); return d.Err() }))
		assert.Equal(t, Name{{"a", "b"}, {"c", ""}}, n)
	})
	t.Run("to_url", func(t *testing.T) {
		var s string
		require.NoError(t, f.ns.Invoke(ctxT(t), "to_url", func(e *cdr.Encoder) { e.WriteString(":myhost:2809"); e.WriteString("a b") },
			func(d *cdr.Decoder) error { s = d.ReadString(); return d.Err() }))
		assert.Equal(t, "corbaname::myhost:2809#a%20b", s)
	})
	t.Run("is_a", func(t *testing.T) {
		ok, err := f.ns.IsA(ctxT(t), NamingContextID)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("truncated arguments", func(t *testing.T) {
		err := f.ns.Invoke(ctxT(t), "resolve", func(e *cdr.Encoder) { e.WriteULong(5) }, nil)
		assert.True(t, errors.Is(err, orb.NewSystemException(orb.MARSHAL, 0, 0, "")), "%v", err)
	})
}

func TestIteratorEviction(t *testing.T) {
	a := orb.NewAdapter()
	mk := func(typeID string, key []byte) *ior.IOR { return ior.New(typeID, ior.Address{Host: "h", Port: 1}, key) }
	c := New(a, mk)
	c.Publish(Component{ID: "a"}, mk("x", []byte("a")))
	c.Publish(Component{ID: "b"}, mk("x", []byte("b")))
	for range MaxIterators + 10 {
		out := cdr.NewEncoder(false)
		in := cdr.NewDecoder([]byte{0, 0, 0, 1}, false)
		require.NoError(t, c.Dispatch(context.Background(), "list", in, out))
	}
	assert.Len(t, c.iterators, MaxIterators)
}
