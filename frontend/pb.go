package frontend

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"concord/frontend/passive"
	"concord/frontend/vote"
	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/internal/wire"
)

// PBBackend carries the primary-backup protocol for a PrimaryBackup shell.
// Its methods must neither block (queue or spawn instead) nor call back into
// the PrimaryBackup before returning; outcomes come back later through
// PrimaryBackup.Reply, Announce and Lost. PBUDP is the real one (pbudp.go);
// being an interface lets the tests drive failover without sockets.
type PBBackend interface {
	// Send forwards request id (always the same id on retries) to replica.
	Send(replica uint32, id uint64, req *wire.Request)
	// Ask asks every RM of the service who the primary is now; suspect,
	// if not 0, is the primary the FE gave up on.
	Ask(suspect uint32)
}

// PrimaryBackup is the shell around passive.Client for one passively
// replicated service (Just Hungry): calls go to the primary and fail over
// with the same request id.
type PrimaryBackup struct {
	service string
	fe      uint32
	backend PBBackend
	log     *slog.Logger
	m       *Metrics
	clock   func() time.Time
	epoch   time.Time

	mu     sync.Mutex
	cl     *passive.Client
	nextID uint64
	calls  map[uint64]*pbCall
	timer  *time.Timer
	closed bool
}

type pbCall struct {
	req    *wire.Request
	start  time.Time
	result chan Result
}

// NewPrimaryBackup returns the shell for service. firstID as in
// Config.FirstID (0: the current time in ns).
func NewPrimaryBackup(service string, fe uint32, cfg passive.Config, backend PBBackend, firstID uint64, log *slog.Logger, m *Metrics) (*PrimaryBackup, error) {
	cl, err := passive.New(cfg)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	if m == nil {
		m = NewMetrics(nil)
	}
	now := time.Now()
	if firstID == 0 {
		firstID = uint64(now.UnixNano())
	}
	p := &PrimaryBackup{service: service, fe: fe, backend: backend, log: log, m: m, clock: time.Now, epoch: now,
		cl: cl, nextID: firstID, calls: map[uint64]*pbCall{}}
	p.timer = time.AfterFunc(time.Hour, p.onTimer)
	return p, nil
}

// Close fails every call in progress with ErrClosed.
func (p *PrimaryBackup) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.timer.Stop()
	for id, c := range p.calls {
		c.result <- Result{Err: ErrClosed}
		delete(p.calls, id)
	}
}

func (p *PrimaryBackup) now() time.Duration { return p.clock().Sub(p.epoch) }

// Call forwards op and waits for the one answer. ctx only bounds the wait.
func (p *PrimaryBackup) Call(ctx context.Context, op string, enc wire.Encoding, args []byte) Result {
	c := &pbCall{start: time.Now(), result: make(chan Result, 1)}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return Result{Err: ErrClosed}
	}
	id := p.nextID
	p.nextID++
	c.req = &wire.Request{FE: p.fe, ID: id, Service: p.service, Operation: op, Enc: enc, Args: args}
	p.calls[id] = c
	out, err := p.cl.Call(p.now(), id)
	if err != nil { // ids are fresh: cannot happen
		delete(p.calls, id)
		p.mu.Unlock()
		return Result{Err: err}
	}
	p.applyLocked(out)
	p.mu.Unlock()
	select {
	case r := <-c.result:
		return r
	case <-ctx.Done():
		return Result{Err: ctx.Err()}
	}
}

// Reply delivers a replica's reply.
func (p *PrimaryBackup) Reply(replica uint32, id uint64, status uint32, body []byte) {
	p.event(func(now time.Duration) (passive.Output, error) { return p.cl.Reply(now, replica, id, status, body) })
}

// Announce reports that replica is primary in view.
func (p *PrimaryBackup) Announce(view uint64, replica uint32) {
	p.event(func(now time.Duration) (passive.Output, error) { return p.cl.Announce(now, view, replica) })
}

// Lost reports a broken connection to replica.
func (p *PrimaryBackup) Lost(replica uint32) {
	p.event(func(now time.Duration) (passive.Output, error) { return p.cl.Lost(now, replica), nil })
}

func (p *PrimaryBackup) onTimer() {
	p.event(func(now time.Duration) (passive.Output, error) { return p.cl.Tick(now), nil })
}

func (p *PrimaryBackup) event(f func(time.Duration) (passive.Output, error)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	out, err := f(p.now())
	if err != nil {
		p.log.Debug("frontend: passive event ignored", "service", p.service, "err", err)
		return
	}
	p.applyLocked(out)
}

// applyLocked carries out the state machine's outputs and re-arms the timer.
func (p *PrimaryBackup) applyLocked(out passive.Output) {
	for _, s := range out.Sends {
		if c := p.calls[s.ID]; c != nil {
			p.backend.Send(s.Replica, s.ID, c.req)
		}
	}
	if out.Ask {
		p.backend.Ask(out.Suspect)
	}
	if out.Failovers > 0 {
		p.m.Failovers.WithLabelValues(p.service).Add(float64(out.Failovers))
		p.log.Info("frontend: primary suspected, failing over", "service", p.service)
	}
	for _, a := range out.Answers {
		c := p.calls[a.ID]
		if c == nil {
			continue
		}
		delete(p.calls, a.ID)
		outcome := "ok"
		if !a.OK {
			outcome = "no_primary"
			p.log.Warn("frontend: passive call failed", "service", p.service, "id", a.ID, "reason", a.Reason)
		}
		p.m.Requests.WithLabelValues(p.service, outcome).Inc()
		p.m.Latency.WithLabelValues(p.service).Observe(time.Since(c.start).Seconds())
		c.result <- Result{Answer: vote.Answer{Agreed: a.OK, Status: a.Status, Body: a.Body, Reason: a.Reason}}
	}
	if at, ok := p.cl.Deadline(); ok {
		p.timer.Reset(max(at-p.now(), 0))
	} else {
		p.timer.Stop()
	}
}

// PBServant is the servant of a passively replicated object.
type PBServant struct {
	pb  *PrimaryBackup
	ids []string
}

// Servant returns the object's servant; repoIDs most derived first.
func (p *PrimaryBackup) Servant(repoIDs []string) *PBServant {
	return &PBServant{pb: p, ids: repoIDs}
}

// RepositoryIDs implements orb.Servant.
func (s *PBServant) RepositoryIDs() []string { return s.ids }

// Dispatch implements orb.Servant.
func (s *PBServant) Dispatch(ctx context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	enc := encodingOf(in, out)
	r := s.pb.Call(ctx, op, enc, bytes.Clone(in.Rest()))
	if err := resultError(r); err != nil {
		return err
	}
	return copyReply(enc, r.Status, r.Body, out)
}

// resultError maps a call that produced no agreed reply to its exception.
func resultError(r Result) error {
	switch {
	case errors.Is(r.Err, ErrClosed):
		return orb.NewSystemException(orb.TRANSIENT, 0, orb.CompletedNo, "front end shutting down")
	case errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded):
		return orb.NewSystemException(orb.TIMEOUT, 0, orb.CompletedMaybe, r.Err.Error())
	case r.Err != nil:
		// Busy: nothing was sent.
		return orb.NewSystemException(orb.TRANSIENT, 0, orb.CompletedNo, r.Err.Error())
	case !r.Agreed:
		return orb.NewSystemException(orb.TRANSIENT, 0, orb.CompletedMaybe, r.Reason)
	}
	return nil
}
