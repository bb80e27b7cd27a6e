package alltypes_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/idl/gen/internal/alltypes"
)

// widget echoes everything back; fail raises the user exceptions.
type widget struct {
	label    string
	notified chan string
}

func (w *widget) Version(ctx context.Context) (int32, error)         { return 7, nil }
func (w *widget) Label(ctx context.Context) (string, error)          { return w.label, nil }
func (w *widget) SetLabel(ctx context.Context, value string) error   { w.label = value; return nil }
func (w *widget) Add(ctx context.Context, a, b int32) (int32, error) { return a + b, nil }
func (w *widget) EchoBasics(ctx context.Context, v alltypes.Basics) (alltypes.Basics, error) {
	return v, nil
}
func (w *widget) EchoContainers(ctx context.Context, v alltypes.Containers) (alltypes.Containers, error) {
	return v, nil
}
func (w *widget) EchoTree(ctx context.Context, v alltypes.Tree) (alltypes.Tree, error) { return v, nil }
func (w *widget) EchoByLong(ctx context.Context, v alltypes.ByLong) (alltypes.ByLong, error) {
	return v, nil
}
func (w *widget) EchoByColor(ctx context.Context, v alltypes.ByColor) (alltypes.ByColor, error) {
	return v, nil
}
func (w *widget) EchoByBool(ctx context.Context, v alltypes.ByBool) (alltypes.ByBool, error) {
	return v, nil
}
func (w *widget) EchoByChar(ctx context.Context, v alltypes.ByChar) (alltypes.ByChar, error) {
	return v, nil
}
func (w *widget) Split(ctx context.Context, whole string, count int32) (string, int32, error) {
	head, _, _ := strings.Cut(whole, " ")
	return head, count + 1, nil
}
func (w *widget) Notify(ctx context.Context, event string) error { w.notified <- event; return nil }
func (w *widget) Fail(ctx context.Context, code int32) error {
	switch code {
	case 0:
		return &alltypes.Empty{}
	case 1:
		return orb.NewSystemException(orb.NO_PERMISSION, 0, orb.CompletedNo, "")
	}
	return &alltypes.Failure{Code: code, Reason: "asked to"}
}
func (w *widget) Self(ctx context.Context) (*ior.IOR, error) {
	return ior.New(alltypes.WidgetRepositoryID, ior.Address{Host: "127.0.0.1", Port: 1}, []byte("w")), nil
}
func (w *widget) Leaf(ctx context.Context, l alltypes.NestedLeaf) (alltypes.NestedLeaf, error) {
	l.Depth++
	return l, nil
}

// Servant dispatch alone, without a network: arguments in, results out.
func TestServantDispatch(t *testing.T) {
	s := alltypes.NewWidgetServant(&widget{})
	assert.Equal(t, []string{"IDL:concord.test/AllTypes/Widget:1.0", "IDL:concord.test/AllTypes/Base:1.0"}, s.RepositoryIDs())
	tests := []struct {
		name    string
		op      string
		args    func(e *cdr.Encoder)
		check   func(t *testing.T, d *cdr.Decoder)
		wantErr string
	}{
		{"inherited operation", "add", func(e *cdr.Encoder) { e.WriteLong(2); e.WriteLong(3) },
			func(t *testing.T, d *cdr.Decoder) { assert.Equal(t, int32(5), d.ReadLong()) }, ""},
		{"readonly attribute", "_get_version", func(e *cdr.Encoder) {},
			func(t *testing.T, d *cdr.Decoder) { assert.Equal(t, int32(7), d.ReadLong()) }, ""},
		{"out and inout", "split", func(e *cdr.Encoder) { e.WriteString("a b"); e.WriteLong(1) },
			func(t *testing.T, d *cdr.Decoder) {
				assert.Equal(t, "a", d.ReadString())
				assert.Equal(t, int32(2), d.ReadLong())
			}, ""},
		{"user exception", "fail", func(e *cdr.Encoder) { e.WriteLong(5) }, nil, "AllTypes::Failure"},
		{"unknown operation", "nope", func(e *cdr.Encoder) {}, nil, "BAD_OPERATION"},
		{"truncated arguments", "add", func(e *cdr.Encoder) { e.WriteLong(2) }, nil, "MARSHAL"},
		{"enum out of range in argument", "echoByColor", func(e *cdr.Encoder) { e.WriteULong(9) }, nil, "MARSHAL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := cdr.NewEncoder(false)
			tc.args(in)
			out := cdr.NewEncoder(false)
			err := s.Dispatch(context.Background(), tc.op, cdr.NewDecoder(in.Bytes(), false), out)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			d := cdr.NewDecoder(out.Bytes(), false)
			tc.check(t, d)
			require.NoError(t, d.Err())
			assert.Zero(t, d.Remaining())
		})
	}
}

// The generated stub against the generated servant through the real ORB
// over loopback TCP.
func TestStubThroughORB(t *testing.T) {
	ad := orb.NewAdapter()
	w := &widget{notified: make(chan string, 1)}
	ad.Register([]byte("widget"), alltypes.NewWidgetServant(w))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := orb.NewServer(ad, orb.ServerConfig{})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	cl := orb.NewClient(orb.ClientConfig{DialTimeout: 2 * time.Second})
	t.Cleanup(func() { cl.Close() })
	ref, err := cl.StringToObject("corbaloc:iiop:" + ln.Addr().String() + "/widget")
	require.NoError(t, err)
	stub := alltypes.NewWidgetStub(ref)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	checkWidget(ctx, t, stub)

	require.NoError(t, stub.Notify(ctx, "ping"))
	select {
	case ev := <-w.notified:
		assert.Equal(t, "ping", ev)
	case <-ctx.Done():
		t.Fatal("oneway notify never arrived")
	}

}

// checkWidget calls every operation of a Widget that echoes (the Go
// servant above or the omniORB C++ one) and checks the answers.
func checkWidget(ctx context.Context, t *testing.T, stub *alltypes.WidgetStub) {
	t.Helper()
	sum, err := stub.Add(ctx, 40, 2)
	require.NoError(t, err)
	assert.Equal(t, int32(42), sum)

	require.NoError(t, stub.SetLabel(ctx, "lbl"))
	lbl, err := stub.Label(ctx)
	require.NoError(t, err)
	assert.Equal(t, "lbl", lbl)

	for _, tc := range roundTripCases() {
		switch in := tc.in.(type) {
		case *alltypes.Basics:
			got, err := stub.EchoBasics(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		case *alltypes.Containers:
			got, err := stub.EchoContainers(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		case *alltypes.Tree:
			got, err := stub.EchoTree(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		case *alltypes.ByLong:
			got, err := stub.EchoByLong(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		case *alltypes.ByColor:
			got, err := stub.EchoByColor(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		case *alltypes.ByBool:
			got, err := stub.EchoByBool(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		case *alltypes.ByChar:
			got, err := stub.EchoByChar(ctx, *in)
			require.NoError(t, err, tc.name)
			assert.Equal(t, *in, got, tc.name)
		}
	}

	head, count, err := stub.Split(ctx, "first second", 9)
	require.NoError(t, err)
	assert.Equal(t, "first", head)
	assert.Equal(t, int32(10), count)

	leaf, err := stub.Leaf(ctx, alltypes.NestedLeaf{Depth: 1})
	require.NoError(t, err)
	assert.Equal(t, uint16(2), leaf.Depth)

	self, err := stub.Self(ctx)
	require.NoError(t, err)
	assert.Equal(t, alltypes.WidgetRepositoryID, self.TypeID)

	err = stub.Fail(ctx, 5)
	var f *alltypes.Failure
	require.True(t, errors.As(err, &f), "got %v", err)
	assert.Equal(t, alltypes.Failure{Code: 5, Reason: "asked to"}, *f)

	err = stub.Fail(ctx, 0)
	var empty *alltypes.Empty
	assert.True(t, errors.As(err, &empty), "got %v", err)

	err = stub.Fail(ctx, 1)
	var se *orb.SystemException
	require.True(t, errors.As(err, &se), "got %v", err)
	assert.Equal(t, "NO_PERMISSION", se.Name())

	ok, err := stub.Ref.IsA(ctx, alltypes.BaseRepositoryID)
	require.NoError(t, err)
	assert.True(t, ok, "_is_a must know the base interface")
}
