// Package frontend is the front end: the only process CORBA clients talk to.
// Its protocol logic lives in pure state machines (vote, timeout, submit,
// passive); this package is the thin shell around them: one UDP socket to
// the sequencer and the replica managers, one goroutine that owns every state
// machine and feeds it datagrams, calls and timer ticks, and servants that
// turn GIOP requests into calls.
package frontend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"concord/frontend/submit"
	"concord/frontend/timeout"
	"concord/frontend/vote"
	"concord/internal/wire"
)

// ErrClosed is returned by Call once the server is closed.
var ErrClosed = errors.New("frontend: server closed")

// Server forwards calls to the replicated services and votes on the replies.
type Server struct {
	cfg      Config
	conn     *wire.Conn // batched: datagrams queued in one loop turn leave together
	log      *slog.Logger
	m        *Metrics
	replyTo  netip.AddrPort
	replicas []uint32
	epoch    time.Time

	calls   chan *call
	packets chan []wire.Packet // one batch of datagrams per receive
	done    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once

	// Owned by the loop goroutine only.
	sub     *submit.Submitter
	est     *timeout.Estimator
	tallies map[uint64]*active
	timers  deadlineHeap
	recent  *recentFirsts
	// wrongRun: replicas last reported wrong, until they answer right again.
	wrongRun map[uint32]bool
}

// call is a request waiting for its answer.
type call struct {
	req    *wire.Request
	start  time.Time
	result chan Result // buffered: the loop never blocks on it
}

// Result is a call's outcome.
type Result struct {
	vote.Answer
	// Err is set when the call never reached a vote (server busy or closed).
	Err error
}

type active struct {
	tally *vote.Tally
	call  *call
	dl    time.Duration // deadline last pushed on the heap
	// For FaultCleared (cleared.go): replies before the answer, and the answer.
	early  []vote.Reply
	answer *vote.Answer
}

// New returns a server using conn (a UDP socket the caller bound). Run
// starts it.
func New(cfg Config, conn *net.UDPConn) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	replyTo := cfg.ReplyTo
	if !replyTo.IsValid() {
		replyTo = conn.LocalAddr().(*net.UDPAddr).AddrPort()
		if replyTo.Addr().IsUnspecified() {
			return nil, fmt.Errorf("frontend: socket bound to %v: set ReplyTo to an address replicas can reach", replyTo)
		}
	}
	// Replies come in bursts of N per request: a large buffer keeps the
	// kernel from dropping them (best effort, capped by the system).
	_ = conn.SetReadBuffer(8 << 20)
	sub, err := submit.New(cfg.Submit, cfg.FirstID)
	if err != nil {
		return nil, err
	}
	est, err := timeout.New(cfg.Timeout)
	if err != nil {
		return nil, err
	}
	m := cfg.Metrics
	wc, err := wire.NewConn(conn, wire.ConnConfig{Key: cfg.Key,
		OnDrop: func(r wire.Reason) { m.Dropped.WithLabelValues(r.String()).Inc() }})
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, conn: wc, log: cfg.Logger, m: m, replyTo: replyTo,
		replicas: cfg.replicaIDs(), epoch: cfg.clock(),
		calls: make(chan *call, 1024), packets: make(chan []wire.Packet, 64), done: make(chan struct{}),
		sub: sub, est: est, tallies: map[uint64]*active{}, recent: newRecentFirsts(4096), wrongRun: map[uint32]bool{}}, nil
}

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.m }

// Start runs the socket reader and the state machine loop until Close.
func (s *Server) Start() {
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.readLoop() }()
	go func() { defer s.wg.Done(); s.loop() }()
}

// Close stops the server: calls in progress get ErrClosed. It closes the
// socket.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.done)
		s.conn.Close()
	})
	s.wg.Wait()
	return nil
}

// Call forwards op of service with raw CDR args encoded as enc, and waits
// for the vote. ctx only bounds the wait: the request is not withdrawn.
func (s *Server) Call(ctx context.Context, service, op string, enc wire.Encoding, args []byte) Result {
	c := &call{
		req:    &wire.Request{ReplyTo: s.replyTo, Service: service, Operation: op, Enc: enc, Args: args},
		start:  time.Now(),
		result: make(chan Result, 1),
	}
	select {
	case s.calls <- c:
	case <-s.done:
		return Result{Err: ErrClosed}
	case <-ctx.Done():
		return Result{Err: ctx.Err()}
	}
	select {
	case r := <-c.result:
		return r
	case <-s.done:
		return Result{Err: ErrClosed}
	case <-ctx.Done():
		return Result{Err: ctx.Err()}
	}
}

func (s *Server) now() time.Duration { return s.cfg.clock().Sub(s.epoch) }

// readLoop authenticates datagrams and hands them to the loop.
func (s *Server) readLoop() {
	var in []wire.In
	for {
		var err error
		in, err = s.conn.Read(in[:0])
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("frontend: udp read", "err", err)
			time.Sleep(time.Millisecond) // a persistent error must not spin
			continue
		}
		if len(in) == 0 {
			continue // all refused (counted by the Conn's OnDrop)
		}
		batch := make([]wire.Packet, len(in))
		for i := range in {
			batch[i] = in[i].Pkt
		}
		select {
		case s.packets <- batch:
		case <-s.done:
			return
		}
	}
}

// loop owns the state machines: every event goes through here.
func (s *Server) loop() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		select {
		case c := <-s.calls:
			s.startCall(c)
			s.startWaitingCalls()
		case batch := <-s.packets:
			for _, p := range batch {
				s.handlePacket(p)
			}
		case <-timer.C:
		case <-s.done:
			s.failAll(ErrClosed)
			return
		}
		s.tick()
		s.conn.Flush()
		s.m.Outstanding.Set(float64(len(s.tallies)))
		if next, ok := s.nextDeadline(); ok {
			timer.Reset(max(next-s.now(), 0))
		} else {
			timer.Reset(time.Hour)
		}
	}
}

// maxCallsPerTurn bounds the calls one loop turn starts, so replies and
// timers are not kept waiting behind a flood of new calls.
const maxCallsPerTurn = 64

// startWaitingCalls starts the calls already queued, so that their
// submissions leave in one batch; it never waits for more.
func (s *Server) startWaitingCalls() {
	for range maxCallsPerTurn - 1 {
		select {
		case c := <-s.calls:
			s.startCall(c)
		default:
			return
		}
	}
}

func (s *Server) startCall(c *call) {
	now := s.now()
	id, out, err := s.sub.Submit(now, c.req)
	if err != nil {
		s.m.Requests.WithLabelValues(c.req.Service, "busy").Inc()
		c.result <- Result{Err: err}
		return
	}
	crash := s.est.Timeout()
	s.m.CrashTimeout.Set(crash.Seconds())
	t := vote.New(vote.Config{Replicas: s.replicas, F: s.cfg.F, Crash: crash, GiveUp: s.cfg.GiveUp}, id, now)
	a := &active{tally: t, call: c, dl: t.Deadline()}
	s.tallies[id] = a
	s.timers.push(a.dl, id)
	s.sendSubmit(out)
}

func (s *Server) handlePacket(p wire.Packet) {
	switch m := p.Msg.(type) {
	case *wire.RequestAck:
		if m.FE != s.cfg.ID {
			s.m.Dropped.WithLabelValues("not_ours").Inc()
			return
		}
		for _, a := range s.sub.Ack(m.Acks) {
			if t := s.tallies[a.ID]; t != nil {
				t.tally.Acked(a.Seq)
			}
		}
	case *wire.Reply:
		s.handleReply(m)
	default:
		s.m.Dropped.WithLabelValues("unexpected_" + m.Type().String()).Inc()
	}
}

func (s *Server) handleReply(m *wire.Reply) {
	a := s.tallies[m.ID]
	now := s.now()
	if a == nil {
		s.m.LateReplies.Inc()
		if first, ok := s.recent.get(m.ID); ok {
			s.observeLag(now - first)
		}
		return
	}
	// A reply proves the request was sequenced even if the ack was lost.
	s.sub.Delivered(m.ID)
	if first, ok := a.tally.FirstReply(); ok {
		s.observeLag(now - first)
	}
	r := vote.FromWire(m)
	out, err := a.tally.Reply(now, r)
	if err != nil {
		s.log.Debug("frontend: reply ignored", "err", err)
		return
	}
	s.noteReply(a, r)
	s.apply(m.ID, a, out)
}

// tick runs every due timer.
func (s *Server) tick() {
	now := s.now()
	sout := s.sub.Tick(now)
	s.sendSubmit(sout)
	for _, id := range sout.Failed {
		s.m.SubmitFailed.Inc()
		s.log.Warn("frontend: sequencer never acknowledged request", "id", id)
	}
	for {
		at, id, ok := s.timers.peek()
		if !ok || at > now {
			return
		}
		s.timers.pop()
		a := s.tallies[id]
		if a == nil || a.dl != at {
			continue // stale heap entry
		}
		s.apply(id, a, a.tally.Tick(now))
	}
}

// apply carries out a vote's outputs.
func (s *Server) apply(id uint64, a *active, out vote.Output) {
	if out.Answer != nil {
		res := "agreed"
		outcome := "ok"
		if !out.Answer.Agreed {
			res, outcome = "no_agreement", "no_agreement"
			s.log.Warn("frontend: no agreement", "id", id, "op", a.call.req.Operation, "reason", out.Answer.Reason)
		}
		s.m.Votes.WithLabelValues(res).Inc()
		s.m.Requests.WithLabelValues(a.call.req.Service, outcome).Inc()
		s.m.Latency.WithLabelValues(a.call.req.Service).Observe(time.Since(a.call.start).Seconds())
		a.call.result <- Result{Answer: *out.Answer}
		s.answered(a, out.Answer)
	}
	for i := range out.Faults {
		f := &out.Faults[i]
		if f.Kind == wire.FaultWrong {
			s.wrongRun[f.Replica] = true
			s.m.Disagreements.WithLabelValues(replicaLabel(f.Replica)).Inc()
		} else {
			s.m.Timeouts.WithLabelValues(replicaLabel(f.Replica)).Inc()
		}
		s.log.Info("frontend: fault", "replica", f.Replica, "seq", f.Seq, "kind", f.Kind)
		for _, r := range s.replicas {
			s.send(s.cfg.RMs[r], f, 0)
		}
	}
	if out.Done {
		if first, ok := a.tally.FirstReply(); ok {
			s.recent.add(id, first)
		}
		delete(s.tallies, id)
		s.sub.Delivered(id)
		return
	}
	if dl := a.tally.Deadline(); dl != a.dl {
		a.dl = dl
		s.timers.push(dl, id)
	}
}

func (s *Server) observeLag(lag time.Duration) {
	s.est.Observe(lag)
	s.m.ReplyLag.Observe(lag.Seconds())
}

func (s *Server) sendSubmit(out submit.Output) {
	for _, snd := range out.Sends {
		var fl wire.Flags
		if snd.Retransmit {
			fl = wire.FlagRetransmit
			s.m.Retransmits.Inc()
		}
		s.send(s.cfg.Sequencer, snd.Req, fl)
	}
}

// send queues a datagram; the loop flushes the queue at the end of its turn.
func (s *Server) send(to netip.AddrPort, m wire.Msg, fl wire.Flags) {
	if err := s.conn.Send(to, wire.Packet{Sender: s.cfg.ID, Flags: fl, Msg: m}); err != nil {
		s.log.Error("frontend: cannot encode datagram", "type", m.Type(), "err", err)
	}
}

func (s *Server) nextDeadline() (time.Duration, bool) {
	at, ok := s.sub.Deadline()
	if t, _, tok := s.timers.peek(); tok && (!ok || t < at) {
		at, ok = t, true
	}
	return at, ok
}

func (s *Server) failAll(err error) {
	for id, a := range s.tallies {
		if !a.tally.Answered() {
			a.call.result <- Result{Err: err}
		}
		delete(s.tallies, id)
	}
}
