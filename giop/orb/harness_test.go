package orb_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// readerEnv set to "goroutine" runs the suite with a reading goroutine per
// server connection instead of the poller; TestMain runs it both ways.
const readerEnv = "CONCORD_ORB_TEST_READER"

func TestMain(m *testing.M) {
	code := m.Run()
	if code != 0 || os.Getenv(readerEnv) != "" || testing.Short() {
		os.Exit(code)
	}
	fmt.Println("== again, with a reading goroutine per connection")
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), readerEnv+"=goroutine")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Println("goroutine readers:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// testServer is a real server on a loopback port.
type testServer struct {
	srv     *orb.Server
	adapter *orb.Adapter
	addr    ior.Address
	ln      net.Listener
}

func startServer(t testing.TB, cfg orb.ServerConfig) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if os.Getenv(readerEnv) == "goroutine" {
		cfg.GoroutinePerConn = true
	}
	a := orb.NewAdapter()
	s := &testServer{srv: orb.NewServer(a, cfg), adapter: a, ln: ln,
		addr: ior.Address{Host: "127.0.0.1", Port: uint16(ln.Addr().(*net.TCPAddr).Port)}}
	done := make(chan struct{})
	go func() { _ = s.srv.Serve(ln); close(done) }()
	t.Cleanup(func() { s.srv.Close(); <-done })
	return s
}

func (s *testServer) ior(typeID, key string) *ior.IOR {
	return ior.New(typeID, s.addr, []byte(key))
}

func newClient(t *testing.T, cfg orb.ClientConfig) *orb.Client {
	cfg.Logger = quiet
	c := orb.NewClient(cfg)
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// testServant implements a few operations used by the tests.
type testServant struct {
	ids     []string
	mu      sync.Mutex
	oneways []int32
	started chan string // receives the op name of each started request, if set
}

type notFound struct{ What string }

func (n *notFound) Error() string              { return "not found: " + n.What }
func (n *notFound) RepositoryID() string       { return "IDL:Test/NotFound:1.0" }
func (n *notFound) MarshalCDR(e *cdr.Encoder)  { e.WriteString(n.What) }
func (s *testServant) RepositoryIDs() []string { return s.ids }

func (s *testServant) Dispatch(ctx context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	if s.started != nil {
		s.started <- op
	}
	switch op {
	case "echo":
		v := in.ReadString()
		if in.Err() != nil {
			return orb.AsSystemException(in.Err(), orb.CompletedNo)
		}
		out.WriteString(v)
	case "wecho":
		v := in.ReadWString()
		if in.Err() != nil {
			return orb.AsSystemException(in.Err(), orb.CompletedNo)
		}
		out.WriteWString(v)
	case "sleepThenEcho": // sleeps n ms, returns n: replies come out of order
		n := in.ReadLong()
		select {
		case <-time.After(time.Duration(n) * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
		out.WriteLong(n)
	case "block": // until cancelled
		<-ctx.Done()
		return ctx.Err()
	case "record": // oneway
		s.mu.Lock()
		s.oneways = append(s.oneways, in.ReadLong())
		s.mu.Unlock()
	case "fail":
		return &notFound{What: in.ReadString()}
	case "panic":
		panic("boom")
	default:
		return orb.BadOperation(op)
	}
	return nil
}

// rawConn speaks GIOP by hand to check exactly what the server sends.
type rawConn struct {
	t  *testing.T
	nc net.Conn
	rd *giop.Reader
}

func dialRaw(t *testing.T, s *testServer) *rawConn {
	nc, err := net.Dial("tcp", s.addr.String())
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, rd: giop.NewReader(nc, 0)}
}

func (r *rawConn) write(b []byte) {
	_, err := r.nc.Write(b)
	require.NoError(r.t, err)
}

func (r *rawConn) request(v giop.Version, id uint32, twoway bool, key, op string, args func(*cdr.Encoder)) {
	flags := giop.ResponseNone
	if twoway {
		flags = giop.ResponseExpected
	}
	if args == nil {
		args = func(*cdr.Encoder) {}
	}
	r.write(giop.EncodeRequest(cdr.NewEncoder(false), v, &giop.Request{RequestID: id, ResponseFlags: flags,
		Target: giop.TargetAddress{ObjectKey: []byte(key)}, Operation: op}, args))
}

func (r *rawConn) read() *giop.Message {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	m, err := r.rd.ReadMessage()
	require.NoError(r.t, err)
	return m
}

func (r *rawConn) reply() (*giop.Reply, *cdr.Decoder) {
	r.t.Helper()
	m := r.read()
	require.Equal(r.t, giop.MsgReply, m.Header.Type)
	rep, d, err := giop.ParseReply(m, cdr.CodeSets{})
	require.NoError(r.t, err)
	return rep, d
}

// expectClosed asserts the server closes the connection (EOF) soon.
func (r *rawConn) expectClosed() {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := r.rd.ReadMessage()
	require.ErrorIs(r.t, err, io.EOF)
}
