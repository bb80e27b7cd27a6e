// Package fault models the failure a replica is told to simulate in the
// fault-tolerance tests. The mode is set at run time by the replica host
// (through its control interface), never derived from request contents.
//
// Wrap puts a Switch in front of a replicas.Service: "wrong" makes the
// service answer with deterministically wrong but well-formed replies (see
// WrongExecutor), "slow" delays each reply, and "crash" ends the process
// through an exit function the process shell supplies.
package fault

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Kind is the simulated failure.
type Kind uint8

const (
	Correct Kind = iota // behave correctly
	Wrong               // answer with well-formed but wrong results (software failure)
	Crash               // the host stops answering (process crash)
	Slow                // the host delays every reply by Mode.Delay
)

var kindNames = [...]string{Correct: "correct", Wrong: "wrong", Crash: "crash", Slow: "slow"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// DefaultSlowDelay is used for a bare "slow".
const DefaultSlowDelay = 100 * time.Millisecond

// MaxSlowDelay bounds the delay so a typo cannot park a replica for hours.
const MaxSlowDelay = time.Minute

// Mode is a Kind plus, for Slow, the delay per reply.
type Mode struct {
	Kind  Kind
	Delay time.Duration // only for Slow; zero otherwise
}

// String gives the form Parse accepts: "correct", "wrong", "crash", "slow:250ms".
func (m Mode) String() string {
	if m.Kind == Slow {
		return "slow:" + m.Delay.String()
	}
	return m.Kind.String()
}

// Parse reads "correct", "wrong", "crash", "slow" or "slow:<duration>"
// (Go duration syntax, e.g. slow:250ms), case-insensitively.
func Parse(s string) (Mode, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	name, arg, hasArg := strings.Cut(t, ":")
	switch name {
	case "correct", "wrong", "crash":
		if hasArg {
			return Mode{}, fmt.Errorf("fault mode %q takes no argument", name)
		}
		k := map[string]Kind{"correct": Correct, "wrong": Wrong, "crash": Crash}[name]
		return Mode{Kind: k}, nil
	case "slow":
		if !hasArg {
			return Mode{Kind: Slow, Delay: DefaultSlowDelay}, nil
		}
		d, err := time.ParseDuration(arg)
		if err != nil {
			return Mode{}, fmt.Errorf("fault mode slow: bad delay %q: %v", arg, err)
		}
		if d <= 0 || d > MaxSlowDelay {
			return Mode{}, fmt.Errorf("fault mode slow: delay %v outside (0, %v]", d, MaxSlowDelay)
		}
		return Mode{Kind: Slow, Delay: d}, nil
	}
	return Mode{}, fmt.Errorf("unknown fault mode %q (want correct, wrong, crash or slow[:delay])", s)
}

// Switch holds the current mode. The host sets it from its control
// goroutine while the replica reads it on every request, hence the lock.
// The zero value is Correct.
type Switch struct {
	mu   sync.RWMutex
	mode Mode
}

// Set changes the mode; a Slow mode without a delay gets DefaultSlowDelay.
func (s *Switch) Set(m Mode) {
	if m.Kind == Slow && m.Delay <= 0 {
		m.Delay = DefaultSlowDelay
	}
	if m.Kind != Slow {
		m.Delay = 0
	}
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
}

// Mode returns the current mode; a nil Switch is always Correct.
func (s *Switch) Mode() Mode {
	if s == nil {
		return Mode{}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.mode
}

// Wrong reports whether replies must be corrupted now.
func (s *Switch) Wrong() bool { return s.Mode().Kind == Wrong }
