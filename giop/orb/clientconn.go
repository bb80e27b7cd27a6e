package orb

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"

	"concord/giop"
	"concord/giop/cdr"
)

// errReissue marks a call the server closed the connection on without
// processing (CloseConnection): it is safe to send again.
var errReissue = errors.New("orb: connection closed by server before the request was processed")

// errNotSent marks a call whose connection ended before the request went
// out (the server closed it meanwhile): it is safe to send again.
var errNotSent = errors.New("orb: connection closed before the request was sent")

// errStale marks a call sent on an idle, previously used connection that
// then broke without a word: almost always a server that closed the idle
// connection as the request went out. Like omniORB, the call is retried
// once on a new connection.
var errStale = errors.New("orb: idle connection broke as the request was sent")

// clientConn is one connection to a server, shared by every call to that
// address and GIOP version.
type clientConn struct {
	c   *Client
	key connKey
	nc  net.Conn
	out chan outMsg

	mu      sync.Mutex
	pending map[uint32]chan *reply
	nextID  uint32
	closed  bool
	err     error // why the connection ended
	// sentCodeSets: the CodeSets context went out (on the first request);
	// cs is what it announced, the code sets of the whole connection.
	sentCodeSets bool
	cs           cdr.CodeSets
	done         chan struct{}
	calls        int // requests sent so far
}

func newClientConn(c *Client, k connKey, nc net.Conn) *clientConn {
	return &clientConn{c: c, key: k, nc: nc, out: make(chan outMsg, 256),
		pending: map[uint32]chan *reply{}, done: make(chan struct{})}
}

func (cc *clientConn) usable() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return !cc.closed
}

// reply is a Reply read off the connection, decoded once by the reader:
// its header and a decoder at its body, or why the header did not decode.
type reply struct {
	hdr  *giop.Reply
	body *cdr.Decoder
	err  error
}

// codeSets returns the code sets in force on the connection.
func (cc *clientConn) codeSets() cdr.CodeSets {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.sentCodeSets {
		return cc.cs
	}
	return cdr.CodeSets{}
}

// call sends one request and, for a two-way call, waits for its reply.
func (cc *clientConn) call(ctx context.Context, t *target, op string, twoway bool, args func(*cdr.Encoder)) (*reply, error) {
	cc.mu.Lock()
	if cc.closed {
		err := cc.err
		cc.mu.Unlock()
		if errors.Is(err, errReissue) {
			return nil, errReissue
		}
		return nil, errNotSent
	}
	cc.nextID++
	id := cc.nextID
	idleReuse := cc.calls > 0 && len(cc.pending) == 0
	cc.calls++
	var scs []giop.ServiceContext
	cs := cc.cs
	if !cc.sentCodeSets && t.sendCodeSets {
		// The first request on a connection fixes its code sets.
		cc.sentCodeSets, cc.cs, cs = true, t.codeSets, t.codeSets
		scs = []giop.ServiceContext{giop.CodeSetContext(t.codeSets)}
	}
	var ch chan *reply
	if twoway {
		ch = make(chan *reply, 1)
		cc.pending[id] = ch
	}
	cc.mu.Unlock()

	flags := giop.ResponseNone
	if twoway {
		flags = giop.ResponseExpected
	}
	req := &giop.Request{RequestID: id, ResponseFlags: flags, Operation: op, ServiceContexts: scs,
		Target: giop.TargetAddress{Disposition: giop.KeyAddr, ObjectKey: t.key}}
	e := getEncoder(!cc.c.cfg.BigEndian)
	e.SetCodeSets(cs)
	e.SetGIOPMinor(t.version.Minor)
	if args == nil {
		args = func(*cdr.Encoder) {}
	}
	b := giop.EncodeRequest(e, t.version, req, args)
	if err := e.Err(); err != nil {
		putEncoder(e)
		cc.forgetCall(id)
		return nil, AsSystemException(err, CompletedNo)
	}
	if !cc.send(outMsg{b: b, enc: e}) {
		cc.forgetCall(id)
		return nil, errNotSent
	}
	if !twoway {
		return nil, nil
	}
	select {
	case m := <-ch:
		if m == nil {
			err := cc.failure()
			if idleReuse && !errors.Is(err, errReissue) && cc.brokeSilently() {
				return nil, errStale
			}
			return nil, err
		}
		return m, nil
	case <-ctx.Done():
		cc.forgetCall(id)
		ce := getEncoder(!cc.c.cfg.BigEndian)
		cc.send(outMsg{b: giop.EncodeCancelRequest(ce, t.version, id), enc: ce})
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, NewSystemException(TIMEOUT, 0, CompletedMaybe, "deadline passed waiting for "+op)
		}
		return nil, ctx.Err()
	}
}

// failure is the error for calls cut off by the connection's end.
func (cc *clientConn) failure() error {
	cc.mu.Lock()
	err := cc.err
	cc.mu.Unlock()
	if errors.Is(err, errReissue) {
		return errReissue
	}
	var se *SystemException
	if errors.As(err, &se) {
		return se
	}
	return NewSystemException(COMM_FAILURE, 0, CompletedMaybe, "connection lost: "+errString(err))
}

// brokeSilently reports whether the connection ended by EOF or reset rather
// than by a protocol message.
func (cc *clientConn) brokeSilently() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	var se *SystemException
	var pe *giop.ProtocolError
	return !errors.As(cc.err, &se) && !errors.As(cc.err, &pe)
}

func errString(err error) string {
	if err == nil {
		return "closed"
	}
	return err.Error()
}

func (cc *clientConn) forgetCall(id uint32) {
	cc.mu.Lock()
	delete(cc.pending, id)
	cc.mu.Unlock()
}

func (cc *clientConn) send(m outMsg) bool {
	select {
	case cc.out <- m:
		return true
	case <-cc.done:
		putEncoder(m.enc)
		return false
	}
}

func (cc *clientConn) writeLoop() {
	bw := bufio.NewWriterSize(cc.nc, 64<<10)
	for {
		select {
		case m := <-cc.out:
			_, err := bw.Write(m.b)
			putEncoder(m.enc)
			if err == nil && len(cc.out) == 0 {
				err = bw.Flush()
			}
			if err != nil {
				cc.fail(err)
				return
			}
		case <-cc.done:
			return
		}
	}
}

func (cc *clientConn) readLoop() {
	rd := giop.NewReader(cc.nc, cc.c.cfg.MaxMessageSize)
	for {
		m, err := rd.ReadMessage()
		if err != nil {
			var pe *giop.ProtocolError
			if errors.As(err, &pe) {
				e := getEncoder(!cc.c.cfg.BigEndian)
				_, _ = cc.nc.Write(giop.EncodeMessageError(e, cc.key.version))
				putEncoder(e)
			}
			cc.fail(err)
			return
		}
		switch m.Header.Type {
		case giop.MsgReply:
			id, r, ok := parseReply(m, cc.codeSets())
			if !ok {
				cc.fail(NewSystemException(MARSHAL, 0, CompletedMaybe, "undecodable reply header"))
				return
			}
			cc.deliver(id, r)
		case giop.MsgCloseConnection:
			cc.c.log.Debug("orb: server closed connection", "addr", cc.key.addr)
			cc.fail(errReissue)
			return
		case giop.MsgMessageError:
			cc.fail(NewSystemException(COMM_FAILURE, 0, CompletedMaybe, "server sent MessageError"))
			return
		default:
			// LocateReply and the like: not asked for by this client.
		}
	}
}

// parseReply decodes a Reply's header; a header that breaks after its
// request id still reaches the waiting call, as an error.
func parseReply(m *giop.Message, cs cdr.CodeSets) (uint32, *reply, bool) {
	hdr, body, err := giop.ParseReply(m, cs)
	if err != nil {
		var he *giop.HeaderError
		if errors.As(err, &he) && he.HaveID {
			return he.RequestID, &reply{err: err}, true
		}
		return 0, nil, false
	}
	return hdr.RequestID, &reply{hdr: hdr, body: body}, true
}

func (cc *clientConn) deliver(id uint32, m *reply) {
	cc.mu.Lock()
	ch := cc.pending[id]
	delete(cc.pending, id)
	cc.mu.Unlock()
	if ch != nil {
		ch <- m
	}
}

// fail ends the connection and every call waiting on it.
func (cc *clientConn) fail(err error) {
	cc.mu.Lock()
	if cc.closed {
		cc.mu.Unlock()
		return
	}
	cc.closed, cc.err = true, err
	pending := cc.pending
	cc.pending = map[uint32]chan *reply{}
	close(cc.done)
	cc.mu.Unlock()
	cc.c.forget(cc)
	cc.nc.Close()
	for _, ch := range pending {
		ch <- nil
	}
}
