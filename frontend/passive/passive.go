// Package passive is the front end's client side of primary-backup
// replication (Just Hungry) as a pure state machine. Each call goes to the
// primary; when the primary times out or its connection is lost, the FE asks
// the replica managers who the primary is now and resends the call, with the
// same request id, to the new one. Replicas cache replies by request id, so
// a retried call never runs twice, and the client sees exactly one answer.
// Every call is answered by its deadline: TRANSIENT if no primary answered.
package passive

import (
	"fmt"
	"slices"
	"time"
)

// Config tunes a Client.
type Config struct {
	Replicas []uint32      // the replica (RM) ids of the service
	Attempt  time.Duration // wait for the primary's reply before suspecting it
	Ask      time.Duration // wait for a primary announcement before asking again
	Deadline time.Duration // a call's whole life, retries included
}

// DefaultConfig suits a loopback or LAN cluster.
func DefaultConfig(replicas []uint32) Config {
	return Config{Replicas: replicas, Attempt: 500 * time.Millisecond, Ask: 50 * time.Millisecond, Deadline: 10 * time.Second}
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	if len(c.Replicas) == 0 {
		return fmt.Errorf("passive: no replicas")
	}
	if c.Attempt <= 0 || c.Ask <= 0 || c.Deadline < c.Attempt {
		return fmt.Errorf("passive: need positive attempt (%v) and ask (%v) timeouts and deadline (%v) >= attempt", c.Attempt, c.Ask, c.Deadline)
	}
	seen := map[uint32]bool{}
	for _, r := range c.Replicas {
		if seen[r] {
			return fmt.Errorf("passive: replica %d listed twice", r)
		}
		seen[r] = true
	}
	return nil
}

// Send asks the caller to send request ID to Replica.
type Send struct {
	Replica uint32
	ID      uint64
	Retry   bool // a resend of an earlier attempt
}

// Answer is a call's one and only answer.
type Answer struct {
	ID uint64
	// OK is false when no primary answered by the deadline (TRANSIENT,
	// COMPLETED_MAYBE: the order may have been placed).
	OK     bool
	Status uint32
	Body   []byte
	Reason string
}

// Output is what an event produced.
type Output struct {
	Sends []Send
	Ask   bool // ask every RM who the primary is
	// Suspect, with Ask, is the primary this event gave up on: the RMs are
	// told so that they move to the next view.
	Suspect uint32
	Answers []Answer
	// Failovers counts primaries suspected by this event (for metrics).
	Failovers int
}

type call struct {
	id       uint64
	end      time.Duration // overall deadline
	target   uint32        // replica of the attempt in flight
	inFlight bool
	attempt  time.Duration // attempt deadline when inFlight
	sends    int
}

// Client tracks the calls in progress. Not safe for concurrent use.
type Client struct {
	cfg      Config
	primary  uint32
	known    bool
	view     uint64
	asking   bool
	askAt    time.Duration // next ask when asking
	calls    map[uint64]*call
	replicas map[uint32]bool
}

// New returns a client that does not know the primary yet (the first call
// asks), or the configuration's error.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, calls: map[uint64]*call{}, replicas: map[uint32]bool{}}
	for _, r := range cfg.Replicas {
		c.replicas[r] = true
	}
	return c, nil
}

// Primary returns the believed primary.
func (c *Client) Primary() (uint32, bool) { return c.primary, c.known }

// Pending is the number of calls not answered yet.
func (c *Client) Pending() int { return len(c.calls) }

// Call starts request id (unique, chosen by the caller).
func (c *Client) Call(now time.Duration, id uint64) (Output, error) {
	if _, dup := c.calls[id]; dup {
		return Output{}, fmt.Errorf("passive: request %d already in progress", id)
	}
	k := &call{id: id, end: now + c.cfg.Deadline}
	c.calls[id] = k
	var out Output
	if c.known {
		c.send(now, k, &out)
	} else {
		c.ask(now, &out)
	}
	return out, nil
}

// Reply delivers a replica's answer to request id. Any replica's reply is
// accepted: a primary replies only after its backups have the state change.
func (c *Client) Reply(now time.Duration, replica uint32, id uint64, status uint32, body []byte) (Output, error) {
	k, ok := c.calls[id]
	if !ok {
		return Output{}, fmt.Errorf("passive: reply from replica %d for request %d, which is not in progress", replica, id)
	}
	if !c.replicas[replica] {
		return Output{}, fmt.Errorf("passive: reply for request %d from unknown replica %d", id, replica)
	}
	delete(c.calls, k.id)
	return Output{Answers: []Answer{{ID: id, OK: true, Status: status, Body: slices.Clone(body)}}}, nil
}

// Announce tells the client that replica is primary in view. Stale views
// are ignored; RMs answering an ask and backups redirecting a request both
// produce it. Waiting calls go to the new primary.
func (c *Client) Announce(now time.Duration, view uint64, replica uint32) (Output, error) {
	var out Output
	if !c.replicas[replica] {
		return out, fmt.Errorf("passive: announced primary %d is not a replica", replica)
	}
	if view < c.view || view == c.view && c.known && c.primary == replica {
		return out, nil // stale, or nothing new
	}
	c.view, c.primary, c.known, c.asking = view, replica, true, false
	for _, id := range c.sortedIDs() {
		k := c.calls[id]
		if !k.inFlight || k.target != replica {
			c.send(now, k, &out)
		}
	}
	return out, nil
}

// Lost reports that the connection to replica broke: its calls fail over.
func (c *Client) Lost(now time.Duration, replica uint32) Output {
	var out Output
	c.suspect(now, replica, &out)
	return out
}

// Deadline is when Tick must be called next (ok false: nothing to wait for).
// It scans the calls: passive services carry few calls at once.
func (c *Client) Deadline() (time.Duration, bool) {
	var at time.Duration
	ok := false
	take := func(t time.Duration) {
		if !ok || t < at {
			at, ok = t, true
		}
	}
	for _, k := range c.calls {
		take(k.end)
		if k.inFlight {
			take(k.attempt)
		}
	}
	if c.asking && len(c.calls) > 0 {
		take(c.askAt)
	}
	return at, ok
}

// Tick ends calls past their deadline, suspects primaries that let an
// attempt time out, and repeats unanswered asks.
func (c *Client) Tick(now time.Duration) Output {
	var out Output
	for _, id := range c.sortedIDs() {
		k := c.calls[id]
		if now >= k.end {
			delete(c.calls, id)
			out.Answers = append(out.Answers, Answer{ID: id,
				Reason: fmt.Sprintf("no primary answered in %v (%d sends)", c.cfg.Deadline, k.sends)})
		}
	}
	for _, id := range c.sortedIDs() {
		k := c.calls[id]
		if k.inFlight && now >= k.attempt {
			c.suspect(now, k.target, &out)
		}
	}
	if c.asking && len(c.calls) > 0 && now >= c.askAt {
		c.asking = false
		c.ask(now, &out)
	}
	if len(c.calls) == 0 {
		c.asking = false
	}
	return out
}

// suspect drops replica as primary: every call in flight there waits for
// the next announcement.
func (c *Client) suspect(now time.Duration, replica uint32, out *Output) {
	hit := false
	for _, k := range c.calls {
		if k.inFlight && k.target == replica {
			k.inFlight = false
			hit = true
		}
	}
	if c.known && c.primary == replica {
		c.known = false
		out.Failovers++
		out.Suspect = replica
		hit = true
	}
	if hit && len(c.calls) > 0 {
		c.ask(now, out)
	}
}

func (c *Client) ask(now time.Duration, out *Output) {
	if c.asking {
		return
	}
	c.asking = true
	c.askAt = now + c.cfg.Ask
	out.Ask = true
}

func (c *Client) send(now time.Duration, k *call, out *Output) {
	k.target, k.inFlight = c.primary, true
	k.attempt = now + c.cfg.Attempt
	out.Sends = append(out.Sends, Send{Replica: c.primary, ID: k.id, Retry: k.sends > 0})
	k.sends++
}

// sortedIDs keeps outputs deterministic despite map iteration order.
func (c *Client) sortedIDs() []uint64 {
	ids := make([]uint64, 0, len(c.calls))
	for id := range c.calls {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
