package lookup

import "time"

// BreakerState is where a circuit breaker is.
type BreakerState int

const (
	Closed   BreakerState = iota // calls flow; consecutive failures counted
	Open                         // calls refused until the cool-down ends
	HalfOpen                     // one probe call allowed to test recovery
)

func (s BreakerState) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return "unknown"
}

// Breaker is a circuit breaker as a pure state machine: the caller passes the
// time in, so tests drive it with a fake clock and no sleeping. It is not
// safe for concurrent use; the client guards it.
//
// Closed --threshold consecutive failures--> Open --cool-down elapsed,
// Allow--> HalfOpen (one probe) --success--> Closed / --failure--> Open.
type Breaker struct {
	threshold int
	cooldown  time.Duration
	state     BreakerState
	failures  int
	openedAt  time.Time
	probing   bool
}

// NewBreaker opens after threshold consecutive failures (at least 1) and
// allows a probe cooldown after opening.
func NewBreaker(threshold int, cooldown time.Duration) *Breaker {
	return &Breaker{threshold: max(threshold, 1), cooldown: cooldown}
}

// Allow reports whether a call may go ahead now. When an open breaker's
// cool-down has elapsed it moves to half-open and admits exactly one probe;
// further calls are refused until that probe's outcome is reported.
func (b *Breaker) Allow(now time.Time) bool {
	switch b.state {
	case Open:
		if now.Sub(b.openedAt) < b.cooldown {
			return false
		}
		b.state, b.probing = HalfOpen, true
		return true
	case HalfOpen:
		if b.probing {
			return false
		}
		b.probing = true
		return true
	}
	return true
}

// Success reports a call that got an answer (found or not found alike:
// either way the provider is working).
func (b *Breaker) Success() {
	b.state, b.failures, b.probing = Closed, 0, false
}

// Failure reports a call that failed (refused, timed out, 5xx, garbage).
func (b *Breaker) Failure(now time.Time) {
	switch b.state {
	case HalfOpen:
		b.trip(now)
	case Closed:
		b.failures++
		if b.failures >= b.threshold {
			b.trip(now)
		}
	}
}

// Abandon reports a call whose outcome says nothing about the provider (the
// caller gave up first); a half-open breaker may then admit another probe.
func (b *Breaker) Abandon() {
	if b.state == HalfOpen {
		b.probing = false
	}
}

// State is the current state (an open breaker past its cool-down still says
// Open until Allow admits the probe).
func (b *Breaker) State() BreakerState { return b.state }

func (b *Breaker) trip(now time.Time) {
	b.state, b.openedAt, b.probing, b.failures = Open, now, false, 0
}
