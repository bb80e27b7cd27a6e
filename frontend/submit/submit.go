// Package submit is the front end's side of the FE -> sequencer exchange as
// a pure state machine: it numbers requests, and retransmits each one with
// exponential backoff until the sequencer acknowledges it (or a replica's
// reply proves it was sequenced), giving up after a bounded number of sends.
// Many requests are outstanding at once; the caller owns the socket and the
// clock.
package submit

import (
	"container/heap"
	"errors"
	"fmt"
	"time"

	"concord/internal/wire"
)

// Config tunes a Submitter.
type Config struct {
	FE             uint32        // this front end's id
	RTO            time.Duration // wait before the first retransmission
	MaxRTO         time.Duration // backoff cap
	MaxSends       int           // sends (first included) before giving up
	MaxOutstanding int           // unacknowledged requests allowed at once
}

// DefaultConfig suits a loopback or LAN cluster.
func DefaultConfig(fe uint32) Config {
	return Config{FE: fe, RTO: 20 * time.Millisecond, MaxRTO: 500 * time.Millisecond, MaxSends: 10, MaxOutstanding: 65536}
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	switch {
	case c.RTO <= 0 || c.MaxRTO < c.RTO:
		return fmt.Errorf("submit: need 0 < rto (%v) <= max rto (%v)", c.RTO, c.MaxRTO)
	case c.MaxSends < 1:
		return fmt.Errorf("submit: max sends %d must be at least 1", c.MaxSends)
	case c.MaxOutstanding < 1:
		return fmt.Errorf("submit: max outstanding %d must be at least 1", c.MaxOutstanding)
	}
	return nil
}

// ErrBusy is returned by Submit when MaxOutstanding requests await an ack.
var ErrBusy = errors.New("submit: too many unacknowledged requests")

// Send is one datagram to send to the sequencer.
type Send struct {
	Req        *wire.Request
	Retransmit bool // set wire.FlagRetransmit
}

// Output is what an event produced.
type Output struct {
	Sends []Send
	// Failed are requests never acknowledged after MaxSends sends: the
	// sequencer may or may not have numbered them (COMPLETED_MAYBE).
	Failed []uint64
}

// Acked is a request's sequence number, newly learnt.
type Acked struct{ ID, Seq uint64 }

type entry struct {
	req      *wire.Request
	sends    int
	deadline time.Duration
}

// Submitter tracks the unacknowledged requests. Not safe for concurrent use.
type Submitter struct {
	cfg     Config
	next    uint64
	pending map[uint64]*entry
	timers  timerHeap
}

// New returns a submitter whose first request id is firstID. Request ids
// must never repeat for an FE id (the sequencer drops a repeated id as a
// retransmission), so a restarted FE starts above anything it used before,
// e.g. at its start time in nanoseconds.
func New(cfg Config, firstID uint64) (*Submitter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if firstID == 0 {
		firstID = 1 // 0 is never a valid id
	}
	return &Submitter{cfg: cfg, next: firstID, pending: map[uint64]*entry{}}, nil
}

// Outstanding is the number of unacknowledged requests.
func (s *Submitter) Outstanding() int { return len(s.pending) }

// Submit numbers q (setting q.FE and q.ID) and sends it. The Submitter keeps
// q until it is acknowledged; the caller must not modify it meanwhile.
func (s *Submitter) Submit(now time.Duration, q *wire.Request) (uint64, Output, error) {
	if len(s.pending) >= s.cfg.MaxOutstanding {
		return 0, Output{}, ErrBusy
	}
	q.FE, q.ID = s.cfg.FE, s.next
	s.next++
	e := &entry{req: q, sends: 1, deadline: now + s.cfg.RTO}
	s.pending[q.ID] = e
	heap.Push(&s.timers, timer{at: e.deadline, id: q.ID})
	return q.ID, Output{Sends: []Send{{Req: q}}}, nil
}

// Ack processes a RequestAck's entries and returns the ones newly learnt.
// Entries for unknown or already acknowledged ids are ignored: acks are
// repeated when the sequencer sees a retransmission.
func (s *Submitter) Ack(acks []wire.AckEntry) []Acked {
	var out []Acked
	for _, a := range acks {
		if _, ok := s.pending[a.ID]; ok {
			delete(s.pending, a.ID)
			out = append(out, Acked{ID: a.ID, Seq: a.Seq})
		}
	}
	return out
}

// Delivered stops retransmitting id because a replica's reply shows it was
// sequenced (the ack was lost), or the caller gave up on it.
func (s *Submitter) Delivered(id uint64) { delete(s.pending, id) }

// Deadline returns when Tick must be called next (ok false: nothing pending).
func (s *Submitter) Deadline() (time.Duration, bool) {
	s.dropStale()
	if len(s.timers) == 0 {
		return 0, false
	}
	return s.timers[0].at, true
}

// Tick retransmits every request whose timer expired, or gives it up.
func (s *Submitter) Tick(now time.Duration) Output {
	var out Output
	for {
		s.dropStale()
		if len(s.timers) == 0 || s.timers[0].at > now {
			return out
		}
		t := heap.Pop(&s.timers).(timer)
		e := s.pending[t.id]
		if e.sends >= s.cfg.MaxSends {
			delete(s.pending, t.id)
			out.Failed = append(out.Failed, t.id)
			continue
		}
		// Backoff: RTO, 2 RTO, 4 RTO... capped at MaxRTO.
		wait := s.cfg.RTO << min(e.sends, 30)
		if wait <= 0 || wait > s.cfg.MaxRTO {
			wait = s.cfg.MaxRTO
		}
		e.sends++
		e.deadline = now + wait
		heap.Push(&s.timers, timer{at: e.deadline, id: t.id})
		out.Sends = append(out.Sends, Send{Req: e.req, Retransmit: true})
	}
}

// dropStale pops timers of requests acknowledged since (lazy deletion keeps
// Ack O(1) per entry).
func (s *Submitter) dropStale() {
	for len(s.timers) > 0 {
		t := s.timers[0]
		if e, ok := s.pending[t.id]; ok && e.deadline == t.at {
			return
		}
		heap.Pop(&s.timers)
	}
}

type timer struct {
	at time.Duration
	id uint64
}

// timerHeap orders timers by time, then id, so ties are deterministic.
type timerHeap []timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	return h[i].at < h[j].at || h[i].at == h[j].at && h[i].id < h[j].id
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}
