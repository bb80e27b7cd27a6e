package orb

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
)

// writeTimeout bounds one flush to a client that stopped reading, so a stuck
// peer cannot pin request goroutines forever.
const writeTimeout = 30 * time.Second

// outMsg is one encoded message to send; enc (if any) goes back to the pool
// once the bytes are written or copied.
type outMsg struct {
	b   []byte
	enc *cdr.Encoder
}

var encoderPool = sync.Pool{New: func() any { return cdr.NewEncoder(false) }}

func getEncoder(little bool) *cdr.Encoder {
	e := encoderPool.Get().(*cdr.Encoder)
	e.Reset(little, 0)
	return e
}

func putEncoder(e *cdr.Encoder) {
	if cap(e.Bytes()) <= 1<<20 { // keep huge buffers from living forever
		encoderPool.Put(e)
	}
}

// serverConn is one client connection. Its reader (the server's poller, or
// a goroutine of its own) decodes messages, runs inline requests itself and
// starts a goroutine for each other request. Replies go out in as few writes
// as the load allows.
type serverConn struct {
	srv  *Server
	io   transport
	peer string

	ctx    context.Context // cancelled when the connection breaks
	cancel context.CancelFunc

	// Writing: whoever sends while nobody is writing writes at once (no
	// hand-off to another goroutine); messages sent meanwhile accumulate in
	// wbuf and the writing goroutine writes them in one go before it leaves.
	wmu      sync.Mutex
	wbuf     []byte
	spare    []byte
	flushing bool
	wclosed  bool // no more output: closed, or a write failed
	wdone    bool // the write side is shut

	mu        sync.Mutex
	inflight  map[uint32]*call // two-way requests by id, for CancelRequest
	active    int              // requests being executed, oneways included
	outClosed bool
	draining  bool
	reqWG     sync.WaitGroup

	// codeSets are the char/wchar code sets the client chose with its first
	// CodeSets service context; only the reader goroutine touches them.
	codeSets    cdr.CodeSets
	codeSetsSet bool

	// Scratch storage of the reader's, reused from request to request: an
	// inline request is done with it before the next is read, and a
	// request run on a goroutine gets copies.
	inReq giop.Request
	inDec cdr.Decoder
	inCtx requestCtx

	version atomic.Uint32 // last GIOP version seen, for CloseConnection
	// activity counts messages and replies; the idle timer compares it
	// between its rounds (cheaper than reading the clock per message).
	activity    atomic.Uint64
	idleSeen    uint64      // activity at the last idle check; under mu
	quietChecks int         // idle checks in a row that saw no activity; under mu
	idleTimer   *time.Timer // under mu
}

type call struct {
	cancel    context.CancelFunc
	cancelled bool
}

func newServerConn(s *Server, peer string, io transport) *serverConn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &serverConn{srv: s, io: io, peer: peer, ctx: ctx, cancel: cancel,
		inflight: map[uint32]*call{}}
	c.version.Store(versionKey(giop.V1_0))
	return c
}

func versionKey(v giop.Version) uint32 { return uint32(v.Major)<<8 | uint32(v.Minor) }
func versionOf(k uint32) giop.Version  { return giop.Version{Major: uint8(k >> 8), Minor: uint8(k)} }

func (c *serverConn) touch() { c.activity.Add(1) }

func (c *serverConn) startIdleTimer() {
	if d := c.srv.cfg.IdleTimeout; d > 0 {
		c.mu.Lock() // the timer may fire before the assignment is done
		c.idleTimer = time.AfterFunc(d/idleChecks, c.checkIdle)
		c.mu.Unlock()
	}
}

// serve is the reading goroutine of a connection the poller did not adopt.
func (c *serverConn) serve(nc net.Conn) {
	c.readLoop(nc)
	c.finish()
}

// finish ends a connection whose reading has ended: once its requests have
// answered, the output is shut and the socket closed.
func (c *serverConn) finish() {
	c.mu.Lock()
	if c.idleTimer != nil {
		c.idleTimer.Stop()
	}
	c.mu.Unlock()
	c.reqWG.Wait()
	c.closeOut()
	c.cancel()
	c.io.close()
	c.srv.removeConn(c)
}

func (c *serverConn) readLoop(nc net.Conn) {
	rd := giop.NewReader(nc, c.srv.cfg.MaxMessageSize)
	for {
		m, err := rd.ReadMessage()
		if err != nil {
			c.readFailed(err)
			c.flushQueued()
			return
		}
		if !c.deliver(m) {
			c.flushQueued()
			return
		}
		if rd.Buffered() == 0 {
			// Nothing more has arrived: the replies of inline requests
			// queued so far leave now, in one write.
			c.flushQueued()
		}
	}
}

// deliver handles one message from the reader; false ends the connection.
func (c *serverConn) deliver(m *giop.Message) bool {
	c.touch()
	c.version.Store(versionKey(m.Header.Version))
	return c.handle(m)
}

// readFailed ends the connection after a read error: a protocol violation
// gets a MessageError first (queued: the reader flushes it); a closed or
// broken stream just ends.
func (c *serverConn) readFailed(err error) {
	var pe *giop.ProtocolError
	if errors.As(err, &pe) {
		v := versionOf(c.version.Load())
		if pe.UnsupportedVersion {
			v = giop.V1_2
		}
		c.srv.log.Warn("giop: protocol error, sending MessageError and closing", "peer", c.peer, "err", err)
		c.sendMessageError(v)
		c.cancel()
		return
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		c.srv.log.Debug("giop: connection read failed", "peer", c.peer, "err", err)
	}
}

func (c *serverConn) sendMessageError(v giop.Version) {
	e := getEncoder(false)
	c.queue(outMsg{b: giop.EncodeMessageError(e, v), enc: e})
}

// handle processes one message; false ends the connection.
func (c *serverConn) handle(m *giop.Message) bool {
	switch m.Header.Type {
	case giop.MsgRequest:
		return c.handleRequest(m)
	case giop.MsgLocateRequest:
		return c.handleLocate(m)
	case giop.MsgCancelRequest:
		if id, err := giop.ParseCancelRequest(m); err == nil {
			c.cancelRequest(id)
		}
		return true
	case giop.MsgCloseConnection, giop.MsgMessageError:
		// A client may not close with CloseConnection, and a MessageError means
		// it could not read us: either way the connection is finished.
		c.srv.log.Debug("giop: client ended connection", "peer", c.peer, "msg", m.Header.Type)
		return false
	default:
		c.srv.log.Warn("giop: unexpected message from a client, sending MessageError", "peer", c.peer, "msg", m.Header.Type)
		c.sendMessageError(m.Header.Version)
		return false
	}
}

func (c *serverConn) handleRequest(m *giop.Message) bool {
	req, in := &c.inReq, &c.inDec
	if err := giop.ParseRequestInto(m, c.codeSets, req, in); err != nil {
		var he *giop.HeaderError
		if errors.As(err, &he) && he.HaveID && req.ResponseExpected() {
			c.srv.log.Warn("giop: undecodable request header", "peer", c.peer, "id", he.RequestID, "err", err)
			c.queue(c.encodeError(m.Header, he.RequestID, cdr.CodeSets{}, AsSystemException(err, CompletedNo)))
			return true
		}
		c.srv.log.Warn("giop: undecodable request, sending MessageError", "peer", c.peer, "err", err)
		c.sendMessageError(m.Header.Version)
		return false
	}
	if !c.codeSetsSet {
		// The first CodeSets context fixes the connection's code sets (CORBA 13.10.2.6).
		if got, ok := giop.FindCodeSets(req.ServiceContexts); ok {
			c.codeSets, c.codeSetsSet = got, true
			in.SetCodeSets(got)
		}
	}
	key, err := req.Target.Key()
	if err != nil {
		c.queue(c.encodeError(m.Header, req.RequestID, cdr.CodeSets{}, NewSystemException(OBJECT_NOT_EXIST, 0, CompletedNo, err.Error())))
		return true
	}
	target, fwd := c.srv.adapter.lookup(key)
	if target.inline && fwd == nil {
		if c.beginInline() {
			c.executeInline(m.Header, req, key, target.Servant, in)
		}
		return true
	}
	ctx, ok := c.startRequest(req)
	if !ok {
		return true // draining: the CloseConnection tells the client to reissue
	}
	ownReq, ownDec := *req, *in
	go c.execute(ctx, m.Header, &ownReq, key, target.Servant, fwd, &ownDec)
	return true
}

// beginInline counts an inline request as executing, unless the
// connection is being drained.
func (c *serverConn) beginInline() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining || c.outClosed {
		return false
	}
	c.active++
	return true
}

// executeInline runs a request of a RegisterInline servant on the reading
// goroutine. Nothing can cancel it meanwhile (the reader is busy), so it
// needs no cancel function; its reply is queued for the reader's next flush.
func (c *serverConn) executeInline(h giop.Header, req *giop.Request, key []byte, s Servant, in *cdr.Decoder) {
	c.inCtx = c.requestContext(c.ctx, h, req, key)
	m, err := c.runRequest(&c.inCtx, h, req, key, s, nil, in)
	switch {
	case !req.ResponseExpected():
		release(m)
	case err == nil:
		c.queue(m)
	default:
		c.queue(c.encodeError(h, req.RequestID, in.CodeSets(), err))
	}
	c.requestDone()
}

// startRequest registers a request as executing, unless the connection is
// being drained.
func (c *serverConn) startRequest(req *giop.Request) (context.Context, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining || c.outClosed {
		return nil, false
	}
	c.active++
	c.reqWG.Add(1)
	ctx, cancel := context.WithCancel(c.ctx)
	if req.ResponseExpected() {
		if old := c.inflight[req.RequestID]; old != nil {
			old.cancelled = true // a reused id: only the newest may answer
		}
		c.inflight[req.RequestID] = &call{cancel: cancel}
	} else {
		_ = cancel // a oneway's context ends with the connection's
	}
	return ctx, true
}

// takeCall unregisters a two-way request; it reports whether its reply may
// still be sent (not cancelled).
func (c *serverConn) takeCall(req *giop.Request) bool {
	if !req.ResponseExpected() {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.inflight[req.RequestID]
	if cl == nil {
		return true
	}
	cl.cancel()
	delete(c.inflight, req.RequestID)
	return !cl.cancelled
}

// requestDone ends a request's accounting, after its reply is queued; the
// last one to finish on a draining connection sends CloseConnection.
func (c *serverConn) requestDone() {
	c.mu.Lock()
	c.active--
	drainNow := c.draining && c.active == 0 && !c.outClosed
	c.mu.Unlock()
	c.touch()
	if drainNow {
		// Not on the reader: sending may wait for the peer.
		go c.sendCloseConnection()
	}
}

func (c *serverConn) cancelRequest(id uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.inflight[id]; cl != nil {
		cl.cancelled = true
		cl.cancel()
	}
}

func (c *serverConn) execute(ctx context.Context, h giop.Header, req *giop.Request, key []byte, s Servant, fwd *ior.IOR, in *cdr.Decoder) {
	defer c.reqWG.Done()
	rc := c.requestContext(ctx, h, req, key)
	m, err := c.runRequest(&rc, h, req, key, s, fwd, in)
	defer c.requestDone()
	switch {
	case !c.takeCall(req):
		release(m)
	case err == nil:
		c.send(m)
	default:
		c.send(c.encodeError(h, req.RequestID, in.CodeSets(), err))
	}
}

// requestContext is the context a servant gets: ctx with the request's
// RequestInfo.
func (c *serverConn) requestContext(ctx context.Context, h giop.Header, req *giop.Request, key []byte) requestCtx {
	return requestCtx{Context: ctx, info: RequestInfo{RequestID: req.RequestID, Operation: req.Operation, ObjectKey: key,
		Version: h.Version, ResponseExpected: req.ResponseExpected(), ServiceContexts: req.ServiceContexts, Peer: c.peer}}
}

// runRequest runs a request and encodes its normal reply; a failure comes
// back as the error instead (to be answered with encodeError).
func (c *serverConn) runRequest(rc *requestCtx, h giop.Header, req *giop.Request, key []byte, s Servant, fwd *ior.IOR, in *cdr.Decoder) (outMsg, error) {
	e := getEncoder(h.LittleEndian())
	mark := giop.BeginReply(e, h.Version, &giop.Reply{RequestID: req.RequestID, Status: giop.NoException})
	e.SetCodeSets(in.CodeSets())
	e.SetGIOPMinor(h.Version.Minor)
	err := c.dispatch(rc, key, req.Operation, s, fwd, in, e)
	if err == nil && e.Err() != nil {
		err = AsSystemException(e.Err(), CompletedYes)
	}
	if err != nil {
		putEncoder(e)
		return outMsg{}, err
	}
	return outMsg{b: giop.EndReply(e, mark), enc: e}, nil
}

// dispatch runs the operation on the target found for key (servant, or a
// forward, or neither), built-ins included.
func (c *serverConn) dispatch(ctx context.Context, key []byte, op string, servant Servant, fwd *ior.IOR, in *cdr.Decoder, out *cdr.Encoder) (err error) {
	defer func() {
		if r := recover(); r != nil {
			c.srv.log.Error("orb: servant panicked", "op", op, "panic", r)
			err = NewSystemException(UNKNOWN, 0, CompletedMaybe, "servant panicked")
		}
	}()
	if fwd != nil {
		return &ForwardRequest{IOR: fwd}
	}
	if servant == nil {
		if op == "_non_existent" || op == "_not_existent" {
			out.WriteBoolean(true)
			return nil
		}
		return NewSystemException(OBJECT_NOT_EXIST, OMGMinor(2), CompletedNo, "no object with key "+quoteKey(key))
	}
	if handled, err := builtin(servant, op, in, out); handled {
		return err
	}
	return servant.Dispatch(ctx, op, in, out)
}

func quoteKey(key []byte) string {
	const max = 64
	if len(key) > max {
		key = key[:max]
	}
	return "\"" + string(key) + "\""
}

// encodeError encodes err as a user exception, system exception or
// location forward reply.
func (c *serverConn) encodeError(h giop.Header, id uint32, cs cdr.CodeSets, err error) outMsg {
	var fwd *ForwardRequest
	var raw *RawReply
	var ue UserException
	e := getEncoder(h.LittleEndian())
	r := &giop.Reply{RequestID: id}
	var body func(*cdr.Encoder)
	switch {
	case errors.As(err, &fwd):
		r.Status = giop.LocationForward
		if fwd.Permanent && h.Version.Minor >= 2 {
			r.Status = giop.LocationForwardPerm
		}
		body = func(e *cdr.Encoder) { fwd.IOR.Marshal(e) }
	case errors.As(err, &raw):
		r.Status = raw.Status
		body = func(e *cdr.Encoder) { e.WriteOctets(raw.Body) }
	case errors.As(err, &ue):
		r.Status = giop.UserException
		body = func(e *cdr.Encoder) {
			e.SetCodeSets(cs)
			e.SetGIOPMinor(h.Version.Minor)
			e.WriteString(ue.RepositoryID())
			ue.MarshalCDR(e)
		}
	default:
		se := AsSystemException(err, CompletedMaybe)
		r.Status = giop.SystemException
		body = se.Marshal
	}
	b := giop.EncodeReply(e, h.Version, r, body)
	if e.Err() != nil {
		// The exception itself did not marshal (e.g. a message not
		// representable in the negotiated code set): say so instead.
		e.Reset(h.LittleEndian(), 0)
		se := AsSystemException(e.Err(), CompletedMaybe)
		b = giop.EncodeReply(e, h.Version, &giop.Reply{RequestID: id, Status: giop.SystemException}, se.Marshal)
	}
	return outMsg{b: b, enc: e}
}

func (c *serverConn) handleLocate(m *giop.Message) bool {
	lr, err := giop.ParseLocateRequest(m)
	if err != nil {
		c.srv.log.Warn("giop: undecodable LocateRequest, sending MessageError", "peer", c.peer, "err", err)
		c.sendMessageError(m.Header.Version)
		return false
	}
	reply := &giop.LocateReply{RequestID: lr.RequestID, Status: giop.UnknownObject}
	var body func(*cdr.Encoder)
	if key, err := lr.Target.Key(); err == nil {
		servant, fwd := c.srv.adapter.lookup(key)
		switch {
		case fwd != nil:
			reply.Status = giop.ObjectForward
			body = fwd.Marshal
		case servant.Servant != nil:
			reply.Status = giop.ObjectHere
		}
	}
	e := getEncoder(m.Header.LittleEndian())
	c.queue(outMsg{b: giop.EncodeLocateReply(e, m.Header.Version, reply, body), enc: e})
	return true
}

// maxQueued bounds the replies the reader holds back for one write.
const maxQueued = 64 << 10

// queue holds a message of the reader's back for its next flush (or any
// send before it).
func (c *serverConn) queue(m outMsg) {
	c.wmu.Lock()
	if !c.wclosed {
		c.wbuf = append(c.wbuf, m.b...)
	}
	full := len(c.wbuf) >= maxQueued
	c.wmu.Unlock()
	release(m)
	if full {
		c.flushQueued()
	}
}

// flushQueued writes the queued messages, unless a write in progress will
// take them. Only the reader calls it; if the reader may not wait (the
// poller), a write the socket does not take at once is finished by another
// goroutine and the connection is not read meanwhile.
func (c *serverConn) flushQueued() {
	c.wmu.Lock()
	if c.flushing || len(c.wbuf) == 0 {
		c.wmu.Unlock()
		return
	}
	c.flushing = true
	c.flushLocked(c.io.readerWaits())
}

// send writes a message, after any queued ones, or queues it behind the
// write in progress; after the output is closed it is dropped. It may wait
// for the peer, so the reader never calls it.
func (c *serverConn) send(m outMsg) {
	c.wmu.Lock()
	if c.wclosed {
		c.wmu.Unlock()
		release(m)
		return
	}
	if c.flushing || len(c.wbuf) > 0 {
		c.wbuf = append(c.wbuf, m.b...)
		release(m)
		if c.flushing {
			c.wmu.Unlock()
			return // the writing goroutine takes it
		}
		c.flushing = true
		c.flushLocked(true)
		return
	}
	// Nothing is waiting: write straight from the encoder, without a copy.
	c.flushing = true
	c.wmu.Unlock()
	err := c.io.write(m.b)
	release(m)
	c.wmu.Lock()
	if err != nil {
		c.writeFailedLocked()
	}
	c.flushLocked(true)
}

// flushLocked writes wbuf until it stays empty, as the flushing goroutine
// (flushing set, wmu held; returns without it). If it may not wait and the
// socket is full, it hands the rest to a new goroutine.
func (c *serverConn) flushLocked(mayWait bool) {
	for !c.wclosed && len(c.wbuf) > 0 {
		buf := c.wbuf
		c.wbuf = c.spare[:0]
		c.wmu.Unlock()
		n, err := c.io.writeNow(buf)
		if err == nil && n < len(buf) {
			if !mayWait {
				c.io.pauseReading()
				go c.finishFlush(buf, n)
				return
			}
			err = c.io.write(buf[n:])
		}
		c.wmu.Lock()
		c.spare = buf[:0]
		if err != nil {
			c.writeFailedLocked()
		}
	}
	if c.wclosed {
		c.wbuf = nil
	}
	c.flushing = false
	c.wmu.Unlock()
}

// finishFlush completes a flush the reader could not wait for, then lets
// the reader read again.
func (c *serverConn) finishFlush(buf []byte, written int) {
	err := c.io.write(buf[written:])
	c.wmu.Lock()
	c.spare = buf[:0]
	if err != nil {
		c.writeFailedLocked()
	}
	c.flushLocked(true)
	c.io.resumeReading()
}

// writeFailedLocked gives up on a connection whose write failed (or whose
// client stopped reading for writeTimeout): the reader sees it broken too.
func (c *serverConn) writeFailedLocked() {
	c.wclosed = true
	c.wbuf = nil
	c.cancel()
	c.io.abort()
}

func release(m outMsg) {
	if m.enc != nil {
		putEncoder(m.enc)
	}
}

// closeOut ends the output: once any write in progress is done, the write
// side is shut (FIN), telling the client nothing more will come.
func (c *serverConn) closeOut() {
	c.mu.Lock()
	c.outClosed = true
	c.mu.Unlock()
	c.wmu.Lock()
	c.wclosed = true
	for c.flushing {
		c.wmu.Unlock()
		time.Sleep(time.Millisecond)
		c.wmu.Lock()
	}
	shut := !c.wdone
	c.wdone = true
	c.wmu.Unlock()
	if shut {
		c.io.closeWrite()
	}
}

// beginDrain starts a graceful close: no new requests are executed, and once
// the executing ones have answered a CloseConnection goes out.
func (c *serverConn) beginDrain() {
	c.mu.Lock()
	c.draining = true
	idle := c.active == 0
	c.mu.Unlock()
	if idle {
		c.sendCloseConnection()
	}
}

// sendCloseConnection sends CloseConnection, then ends the connection: the
// closed socket also stops the reader.
func (c *serverConn) sendCloseConnection() {
	c.mu.Lock()
	c.draining = true
	c.mu.Unlock()
	e := getEncoder(false)
	c.send(outMsg{b: giop.EncodeCloseConnection(e, versionOf(c.version.Load())), enc: e})
	c.closeOut()
	// A client that does not close in turn is cut off shortly after.
	c.io.abortAfter(2 * time.Second)
}

// idleChecks is how many checks a row must find a connection quiet before
// it counts as idle: it is closed after IdleTimeout to 1.25 times that.
const idleChecks = 4

// checkIdle closes an idle connection politely; it re-arms itself otherwise.
func (c *serverConn) checkIdle() {
	d := c.srv.cfg.IdleTimeout
	c.mu.Lock()
	if c.draining || c.outClosed {
		c.mu.Unlock()
		return
	}
	if seen := c.activity.Load(); c.active > 0 || seen != c.idleSeen {
		c.idleSeen, c.quietChecks = seen, 0
	} else {
		c.quietChecks++
	}
	if c.quietChecks < idleChecks {
		c.idleTimer.Reset(d / idleChecks)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.srv.log.Debug("giop: closing idle connection", "peer", c.peer, "idle", d)
	c.sendCloseConnection()
}
