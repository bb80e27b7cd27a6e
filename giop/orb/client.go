package orb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
)

// ClientConfig tunes a Client. Zero values mean the defaults.
type ClientConfig struct {
	// MaxMessageSize bounds a reply, fragments included (default 64 MiB).
	MaxMessageSize int
	// DialTimeout bounds connecting to one address (default 5 s).
	DialTimeout time.Duration
	// MaxForwards bounds LOCATION_FORWARD hops and reissues after an
	// orderly CloseConnection for one call (default 8).
	MaxForwards int
	// BigEndian makes requests big-endian (default: little-endian, the
	// native order here; replies come in whatever order the server uses).
	BigEndian bool
	// Logger receives connection events (default slog.Default()).
	Logger *slog.Logger
}

// Client makes calls to remote objects. Calls to the same address and GIOP
// version share one connection, multiplexed by request id.
type Client struct {
	cfg ClientConfig
	log *slog.Logger

	mu      sync.Mutex
	conns   map[connKey]*clientConn
	dialing map[connKey]chan struct{} // closed when that dial ends
	closed  bool
}

type connKey struct {
	addr    string
	version giop.Version
}

// NewClient returns a client.
func NewClient(cfg ClientConfig) *Client {
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = giop.DefaultMaxMessageSize
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.MaxForwards <= 0 {
		cfg.MaxForwards = 8
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Client{cfg: cfg, log: log, conns: map[connKey]*clientConn{}, dialing: map[connKey]chan struct{}{}}
}

// Close closes every connection; calls in progress fail with COMM_FAILURE.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	conns := make([]*clientConn, 0, len(c.conns))
	for _, cc := range c.conns {
		conns = append(conns, cc)
	}
	c.conns = map[connKey]*clientConn{}
	c.mu.Unlock()
	for _, cc := range conns {
		cc.fail(errClientClosed)
	}
	return nil
}

var errClientClosed = NewSystemException(BAD_INV_ORDER, 0, CompletedNo, "client closed")

// StringToObject resolves a stringified IOR ("IOR:...") or a corbaloc URL.
func (c *Client) StringToObject(s string) (*ObjectRef, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 9 && strings.EqualFold(s[:9], "corbaloc:") {
		loc, err := ior.ParseCorbaloc(s)
		if err != nil {
			return nil, err
		}
		return &ObjectRef{c: c, orig: corbalocTarget(loc), cur: corbalocTarget(loc)}, nil
	}
	r, err := ior.Parse(s)
	if err != nil {
		return nil, err
	}
	return c.Object(r)
}

// Object returns a reference to the object r names, by its first IIOP profile.
func (c *Client) Object(r *ior.IOR) (*ObjectRef, error) {
	t, err := iorTarget(r)
	if err != nil {
		return nil, err
	}
	return &ObjectRef{c: c, ref: r, orig: t, cur: t}, nil
}

// conn returns a live connection to one of t's addresses, dialling in
// order. Concurrent calls to a new address wait for a single dial.
func (c *Client) conn(ctx context.Context, t *target) (*clientConn, error) {
	var lastErr error
	for _, a := range t.addrs {
		cc, err := c.connTo(ctx, connKey{addr: a, version: t.version})
		if cc != nil || errors.Is(err, errClientClosed) {
			return cc, err
		}
		lastErr = err
	}
	return nil, NewSystemException(TRANSIENT, OMGMinor(2), CompletedNo, fmt.Sprintf("cannot connect to %s: %v", strings.Join(t.addrs, ", "), lastErr))
}

func (c *Client) connTo(ctx context.Context, k connKey) (*clientConn, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, errClientClosed
		}
		if cc := c.conns[k]; cc != nil && cc.usable() {
			c.mu.Unlock()
			return cc, nil
		}
		wait, busy := c.dialing[k]
		if !busy {
			done := make(chan struct{})
			c.dialing[k] = done
			c.mu.Unlock()
			cc, err := c.dial(ctx, k)
			c.mu.Lock()
			delete(c.dialing, k)
			if cc != nil {
				c.conns[k] = cc
			}
			c.mu.Unlock()
			close(done)
			if cc != nil {
				go cc.readLoop()
				go cc.writeLoop()
			}
			return cc, err
		}
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (c *Client) dial(ctx context.Context, k connKey) (*clientConn, error) {
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", k.addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	return newClientConn(c, k, nc), nil
}

func (c *Client) forget(cc *clientConn) {
	c.mu.Lock()
	if c.conns[cc.key] == cc {
		delete(c.conns, cc.key)
	}
	c.mu.Unlock()
}

// target is where requests for an object go.
type target struct {
	addrs    []string
	key      []byte
	version  giop.Version
	codeSets cdr.CodeSets
	// sendCodeSets: the server advertised code sets, so we tell it our choice.
	sendCodeSets bool
}

func corbalocTarget(loc *ior.Corbaloc) *target {
	t := &target{key: loc.Key, version: giop.Version{Major: loc.Addrs[0].Major, Minor: min(loc.Addrs[0].Minor, 2)}}
	for _, a := range loc.Addrs {
		t.addrs = append(t.addrs, net.JoinHostPort(a.Host, fmt.Sprint(a.Port)))
	}
	return t
}

func iorTarget(r *ior.IOR) (*target, error) {
	profiles, err := r.IIOPProfiles()
	if err != nil {
		return nil, NewSystemException(INV_OBJREF, 0, CompletedNo, err.Error())
	}
	if len(profiles) == 0 {
		return nil, NewSystemException(INV_OBJREF, 0, CompletedNo, "reference has no IIOP profile")
	}
	p := profiles[0]
	t := &target{key: p.ObjectKey, version: giop.Version{Major: 1, Minor: min(p.Minor, 2)}}
	for _, a := range p.Addresses() {
		t.addrs = append(t.addrs, net.JoinHostPort(a.Host, fmt.Sprint(a.Port)))
	}
	if info, ok := p.CodeSets(); ok && t.version.Minor >= 1 {
		t.codeSets, t.sendCodeSets = chooseCodeSets(info), true
	}
	return t, nil
}

// chooseCodeSets picks UTF-8 for char when the server can take it (native or
// conversion), else ISO-8859-1; UTF-16 for wchar.
func chooseCodeSets(info ior.CodeSetInfo) cdr.CodeSets {
	cs := cdr.CodeSets{Char: cdr.CodeSetISO8859_1, WChar: cdr.CodeSetUTF16}
	if info.Char.Native == cdr.CodeSetUTF8 || contains(info.Char.Conversion, cdr.CodeSetUTF8) {
		cs.Char = cdr.CodeSetUTF8
	}
	return cs
}

func contains(s []uint32, v uint32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ObjectRef is a reference to a remote object. It is safe for concurrent
// use; a LOCATION_FORWARD moves it to the new target.
type ObjectRef struct {
	c    *Client
	ref  *ior.IOR // nil when made from a corbaloc URL
	orig *target

	mu  sync.Mutex
	cur *target
}

// IOR returns the reference the object was made from (nil for a corbaloc).
func (o *ObjectRef) IOR() *ior.IOR { return o.ref }

// Client returns the client the reference calls through.
func (o *ObjectRef) Client() *Client { return o.c }

func (o *ObjectRef) target() *target {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.cur
}

func (o *ObjectRef) setTarget(t *target) {
	o.mu.Lock()
	o.cur = t
	o.mu.Unlock()
}

// UserExceptionReply is a user exception raised by the remote operation.
// Generated stubs switch on RepoID and unmarshal their exception from Body,
// which is positioned after the repository id.
type UserExceptionReply struct {
	RepoID string
	Body   *cdr.Decoder
}

func (e *UserExceptionReply) Error() string { return "user exception " + e.RepoID }

// Invoke calls op and waits for its reply. args writes the in and inout
// arguments; results (nil for none) reads the results. A user exception is a
// *UserExceptionReply, a system exception (remote, or COMM_FAILURE, TRANSIENT,
// TIMEOUT for transport trouble) a *SystemException.
func (o *ObjectRef) Invoke(ctx context.Context, op string, args func(*cdr.Encoder), results func(*cdr.Decoder) error) error {
	return o.invoke(ctx, op, true, args, results)
}

// InvokeOneway sends op without waiting for anything.
func (o *ObjectRef) InvokeOneway(ctx context.Context, op string, args func(*cdr.Encoder)) error {
	return o.invoke(ctx, op, false, args, nil)
}

// IsA asks the object whether it implements the interface repoID.
func (o *ObjectRef) IsA(ctx context.Context, repoID string) (bool, error) {
	var is bool
	err := o.Invoke(ctx, "_is_a", func(e *cdr.Encoder) { e.WriteString(repoID) },
		func(d *cdr.Decoder) error { is = d.ReadBoolean(); return d.Err() })
	return is, err
}

// NonExistent asks whether the object is gone.
func (o *ObjectRef) NonExistent(ctx context.Context) (bool, error) {
	var gone bool
	err := o.Invoke(ctx, "_non_existent", nil,
		func(d *cdr.Decoder) error { gone = d.ReadBoolean(); return d.Err() })
	return gone, err
}

// testHookBeforeCall, if set (by tests), runs between picking a
// connection and sending a request on it.
var testHookBeforeCall func(*clientConn)

func (o *ObjectRef) invoke(ctx context.Context, op string, twoway bool, args func(*cdr.Encoder), results func(*cdr.Decoder) error) error {
	retriedStale := false
	for hop := 0; ; hop++ {
		t := o.target()
		cc, err := o.c.conn(ctx, t)
		if err != nil {
			if t != o.orig && hop < o.c.cfg.MaxForwards {
				o.setTarget(o.orig) // a forward target that is gone: fall back
				continue
			}
			return err
		}
		if testHookBeforeCall != nil {
			testHookBeforeCall(cc)
		}
		m, err := cc.call(ctx, t, op, twoway, args)
		if errors.Is(err, errReissue) && hop < o.c.cfg.MaxForwards {
			continue
		}
		if errors.Is(err, errNotSent) {
			if hop < o.c.cfg.MaxForwards {
				if t != o.orig {
					o.setTarget(o.orig) // a forward target that is gone: fall back
				}
				continue // on a new connection
			}
			err = NewSystemException(TRANSIENT, 0, CompletedNo, "connection closed")
		}
		if errors.Is(err, errStale) {
			if !retriedStale {
				retriedStale = true
				continue
			}
			err = NewSystemException(COMM_FAILURE, 0, CompletedMaybe, "connection lost")
		}
		if err != nil || !twoway {
			return err
		}
		fwd, err := o.handleReply(m, results)
		if fwd == nil {
			return err
		}
		if hop >= o.c.cfg.MaxForwards {
			return NewSystemException(TRANSIENT, 0, CompletedNo, "too many LOCATION_FORWARD hops")
		}
		o.setTarget(fwd)
	}
}

// handleReply decodes a Reply's body; it returns the new target of a forward.
func (o *ObjectRef) handleReply(m *reply, results func(*cdr.Decoder) error) (*target, error) {
	if m.err != nil {
		return nil, NewSystemException(MARSHAL, 0, CompletedMaybe, m.err.Error())
	}
	r, d := m.hdr, m.body
	switch r.Status {
	case giop.NoException:
		if results == nil {
			return nil, nil
		}
		if err := results(d); err != nil {
			return nil, AsSystemException(err, CompletedYes)
		}
		if err := d.Err(); err != nil {
			return nil, AsSystemException(err, CompletedYes)
		}
		return nil, nil
	case giop.UserException:
		id := d.ReadString()
		if err := d.Err(); err != nil {
			return nil, AsSystemException(err, CompletedYes)
		}
		return nil, &UserExceptionReply{RepoID: id, Body: d}
	case giop.SystemException:
		se, err := UnmarshalSystemException(d)
		if err != nil {
			return nil, AsSystemException(err, CompletedMaybe)
		}
		return nil, se
	case giop.LocationForward, giop.LocationForwardPerm:
		ref, err := ior.Unmarshal(d)
		if err != nil {
			return nil, NewSystemException(MARSHAL, 0, CompletedNo, "LOCATION_FORWARD: "+err.Error())
		}
		t, err := iorTarget(ref)
		if err != nil {
			return nil, err
		}
		return t, nil
	default:
		return nil, NewSystemException(NO_IMPLEMENT, 0, CompletedNo, "reply status "+r.Status.String()+" not supported")
	}
}
