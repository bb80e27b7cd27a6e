// Package vote collects the replicas' replies to one sequenced request and
// decides the answer, as a pure state machine: events (a reply, an
// acknowledgement, the logical clock moving) go in, an answer, fault reports
// and the next timer come out. It never reads a clock or touches a socket.
//
// The rule: with at most F faulty replicas, F+1 byte-identical replies
// contain at least one correct reply, so they are the answer. Every replica
// whose reply differs from that answer is wrong; every replica still silent
// when the crash timeout expires is reported missing. The crash timeout only
// detects faults: if the replies so far cannot decide yet, the vote goes on
// counting late replies until the give-up time, because silent replicas are
// often only slow (a loaded machine) and failing the call would make a
// client see an error while no replica is faulty. When no group of
// identical replies can reach F+1 any more, the answer is "no agreement"
// (the shell sends TRANSIENT, COMPLETED_MAYBE): never a wrong answer, never
// a hang.
package vote

import (
	"bytes"
	"fmt"
	"time"

	"concord/internal/wire"
)

// Config is the replica group a request is voted in.
type Config struct {
	// Replicas are the ids of the N replicas expected to answer.
	Replicas []uint32
	// F is the number of faulty replicas tolerated; F+1 identical replies
	// decide. len(Replicas) must be at least 2F+1.
	F int
	// Crash is how long after the first reply the other replicas may take
	// before they are reported missing (the adaptive crash timeout).
	Crash time.Duration
	// GiveUp bounds the wait for an answer, counted from the start.
	GiveUp time.Duration
}

// Validate reports a configuration that cannot vote.
func (c Config) Validate() error {
	n := len(c.Replicas)
	switch {
	case c.F < 0:
		return fmt.Errorf("vote: f=%d is negative", c.F)
	case n < 2*c.F+1:
		return fmt.Errorf("vote: %d replicas cannot tolerate f=%d (need at least %d)", n, c.F, 2*c.F+1)
	case c.Crash <= 0 || c.GiveUp <= 0:
		return fmt.Errorf("vote: timeouts must be positive (crash %v, give-up %v)", c.Crash, c.GiveUp)
	}
	seen := make(map[uint32]bool, n)
	for _, r := range c.Replicas {
		if seen[r] {
			return fmt.Errorf("vote: replica %d listed twice", r)
		}
		seen[r] = true
	}
	return nil
}

// Answer is the decision for the client.
type Answer struct {
	// Agreed is false when no F+1 replies can agree any more.
	Agreed bool
	// Seq, Status and Body are the agreed reply (only when Agreed).
	Seq    uint64
	Status uint32
	Body   []byte
	// Reason explains a failed vote, for logs.
	Reason string
}

// Output is what one event produced.
type Output struct {
	// Answer is set exactly once in a Tally's life.
	Answer *Answer
	// Faults are reports to send to every RM.
	Faults []wire.FaultReport
	// Done means every replica has been judged: the Tally may be dropped.
	Done bool
}

type state uint8

const (
	pending state = iota // no reply yet
	replied              // reply in a group
	overdue              // reported missing, but a late reply still counts
	missing              // judged missing: the vote is over for it
)

// Reply is one replica's answer (the fields of a wire.Reply that are voted on).
type Reply struct {
	Replica uint32
	Seq     uint64 // sequence number the RM delivered the request under
	Status  uint32 // GIOP reply status
	Body    []byte // CDR reply body
}

// FromWire converts a received wire.Reply.
func FromWire(r *wire.Reply) Reply {
	return Reply{Replica: r.Replica, Seq: r.Seq, Status: r.Status, Body: r.Body}
}

// group is a set of replicas that sent byte-identical replies. The sequence
// number and status are part of what must agree.
type group struct {
	seq      uint64
	status   uint32
	body     []byte
	replicas []uint32
}

func (g *group) same(r *Reply) bool {
	return g.seq == r.Seq && g.status == r.Status && bytes.Equal(g.body, r.Body)
}

// Tally votes on one request. Not safe for concurrent use.
type Tally struct {
	cfg      Config
	id       uint64
	start    time.Duration
	first    time.Duration
	hasFirst bool
	ackSeq   uint64 // from the sequencer's RequestAck; 0 = unknown
	states   map[uint32]state
	groupOf  map[uint32]int // replica -> index in groups
	groups   []group
	npending int  // pending or overdue
	crashed  bool // the crash deadline has passed
	answer   *Answer
	winner   int // index of the agreed group, -1 if none
	done     bool
}

// New starts the vote on FE request id at logical time now. cfg must have
// passed Validate.
func New(cfg Config, id uint64, now time.Duration) *Tally {
	t := &Tally{cfg: cfg, id: id, start: now, winner: -1,
		states:  make(map[uint32]state, len(cfg.Replicas)),
		groupOf: make(map[uint32]int, len(cfg.Replicas)),
	}
	for _, r := range cfg.Replicas {
		t.states[r] = pending
	}
	t.npending = len(cfg.Replicas)
	return t
}

// ID returns the FE request id being voted on.
func (t *Tally) ID() uint64 { return t.id }

// Done reports whether every replica has been judged.
func (t *Tally) Done() bool { return t.done }

// Answered reports whether the client's answer has been decided.
func (t *Tally) Answered() bool { return t.answer != nil }

// FirstReply returns when the first reply arrived, so the caller can feed
// the other replies' lag to the adaptive timeout.
func (t *Tally) FirstReply() (time.Duration, bool) { return t.first, t.hasFirst }

// Deadline is the logical time at which Tick must be called next.
func (t *Tally) Deadline() time.Duration {
	if t.hasFirst && !t.crashed {
		return t.first + t.cfg.Crash
	}
	return t.start + t.cfg.GiveUp
}

// Acked records the sequence number the sequencer gave the request, so that
// replicas can be reported missing even if none of them answered.
func (t *Tally) Acked(seq uint64) {
	if t.ackSeq == 0 {
		t.ackSeq = seq
	}
}

// Reply feeds one replica's reply to this request. An error means the reply
// was ignored (unknown replica, duplicate, vote already over); the caller
// counts and logs it.
func (t *Tally) Reply(now time.Duration, r Reply) (Output, error) {
	if t.done {
		return Output{}, fmt.Errorf("vote: request %d: reply from replica %d after the vote ended", t.id, r.Replica)
	}
	st, ok := t.states[r.Replica]
	switch {
	case !ok:
		return Output{}, fmt.Errorf("vote: request %d: reply from unknown replica %d", t.id, r.Replica)
	case st != pending && st != overdue:
		return Output{}, fmt.Errorf("vote: request %d: second reply from replica %d ignored", t.id, r.Replica)
	}
	if !t.hasFirst {
		t.first, t.hasFirst = now, true
	}
	gi := -1
	for i := range t.groups {
		if t.groups[i].same(&r) {
			gi = i
			break
		}
	}
	if gi < 0 {
		// Copy: the caller may reuse the datagram's buffer.
		t.groups = append(t.groups, group{seq: r.Seq, status: r.Status, body: bytes.Clone(r.Body)})
		gi = len(t.groups) - 1
	}
	t.groups[gi].replicas = append(t.groups[gi].replicas, r.Replica)
	t.groupOf[r.Replica] = gi
	t.states[r.Replica] = replied
	t.npending--

	var out Output
	if t.winner >= 0 {
		if gi != t.winner {
			out.Faults = append(out.Faults, t.fault(r.Replica, wire.FaultWrong))
		}
	} else if t.answer == nil {
		t.decide(&out)
	}
	if t.crashed && t.answer != nil {
		t.judgeOverdue() // already reported; nothing left to wait for
	}
	t.finishIfJudged(&out)
	return out, nil
}

// Tick moves the logical clock. At the crash deadline silent replicas are
// reported missing; the vote ends then if it has its answer, else at the
// give-up time.
func (t *Tally) Tick(now time.Duration) Output {
	var out Output
	if t.done || now < t.Deadline() {
		return out
	}
	t.crashed = true
	for _, r := range t.cfg.Replicas {
		if t.states[r] == pending {
			t.states[r] = overdue
			if f, ok := t.missingFault(r); ok {
				out.Faults = append(out.Faults, f)
			}
		}
	}
	if t.answer == nil && now < t.start+t.cfg.GiveUp {
		return out // late replies may still agree
	}
	t.judgeOverdue()
	if t.answer == nil {
		t.decide(&out)
	}
	if t.answer == nil {
		// decide always answers once nothing is pending; this is a guard.
		t.setAnswer(&out, &Answer{Reason: "timeout"})
	}
	t.done = true
	out.Done = true
	return out
}

// judgeOverdue ends the wait for replicas already reported missing.
func (t *Tally) judgeOverdue() {
	for _, r := range t.cfg.Replicas {
		if t.states[r] == overdue {
			t.states[r] = missing
			t.npending--
		}
	}
}

// decide answers when a group reaches F+1, or when none can any more.
func (t *Tally) decide(out *Output) {
	need := t.cfg.F + 1
	possible := t.npending >= need // a fresh group could still form
	for i := range t.groups {
		n := len(t.groups[i].replicas)
		if n >= need {
			t.winner = i
			g := &t.groups[i]
			t.setAnswer(out, &Answer{Agreed: true, Seq: g.seq, Status: g.status, Body: g.body})
			// Everyone who already disagreed is wrong.
			for _, r := range t.cfg.Replicas {
				if t.states[r] == replied && t.groupOf[r] != i {
					out.Faults = append(out.Faults, t.fault(r, wire.FaultWrong))
				}
			}
			return
		}
		if n+t.npending >= need {
			possible = true
		}
	}
	if !possible {
		t.setAnswer(out, &Answer{Reason: t.failReason()})
	}
}

func (t *Tally) failReason() string {
	nmissing := 0
	for _, s := range t.states {
		if s == missing {
			nmissing++
		}
	}
	return fmt.Sprintf("no %d identical replies: %d distinct replies, %d missing, %d pending",
		t.cfg.F+1, len(t.groups), nmissing, t.npending)
}

func (t *Tally) setAnswer(out *Output, a *Answer) {
	t.answer = a
	out.Answer = a
}

// finishIfJudged ends the vote once every replica has replied.
func (t *Tally) finishIfJudged(out *Output) {
	if t.npending == 0 && t.answer != nil {
		t.done = true
		out.Done = true
	}
}

func (t *Tally) fault(replica uint32, k wire.FaultKind) wire.FaultReport {
	seq := t.ackSeq
	if t.winner >= 0 {
		seq = t.groups[t.winner].seq
	}
	return wire.FaultReport{Replica: replica, Seq: seq, Kind: k}
}

// missingFault reports a silent replica under the best sequence number
// known: the agreed reply's, else the sequencer's ack, else any reply's.
func (t *Tally) missingFault(replica uint32) (wire.FaultReport, bool) {
	f := t.fault(replica, wire.FaultMissing)
	if f.Seq == 0 && len(t.groups) > 0 {
		f.Seq = t.groups[0].seq
	}
	// Without any sequence number the RMs cannot check anything.
	return f, f.Seq != 0
}
