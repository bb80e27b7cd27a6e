package frontend

import (
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"concord/frontend/submit"
	"concord/frontend/timeout"
	"concord/internal/wire"
)

// Config is what a front end needs to reach the replicated services.
type Config struct {
	ID        uint32         // this FE's id (wire sender and Request.FE)
	Key       *wire.Key      // cluster key
	Sequencer netip.AddrPort // where requests go
	// RMs maps each replica id of the voted service to its RM's address,
	// where fault reports go.
	RMs map[uint32]netip.AddrPort
	// ReplyTo is the address replicas answer to; zero means the socket's
	// local address (which must then be a concrete IP, not 0.0.0.0).
	ReplyTo netip.AddrPort
	F       int              // faulty replicas tolerated (default 1)
	Timeout timeout.Config   // adaptive crash timeout (zero: defaults)
	GiveUp  time.Duration    // longest wait for an answer (default 5 s)
	Submit  submit.Config    // retransmission to the sequencer (zero: defaults)
	FirstID uint64           // first request id (0: the start time in ns, so a restarted FE never repeats ids)
	Logger  *slog.Logger     // default slog.Default()
	Metrics *Metrics         // default NewMetrics(nil)
	clock   func() time.Time // tests replace it; default time.Now
	_       [0]func()        // not comparable
}

// withDefaults fills zero fields and validates.
func (c Config) withDefaults() (Config, error) {
	if c.Key == nil {
		return c, fmt.Errorf("frontend: no cluster key")
	}
	if !c.Sequencer.IsValid() {
		return c, fmt.Errorf("frontend: no sequencer address")
	}
	if len(c.RMs) == 0 {
		return c, fmt.Errorf("frontend: no replica managers")
	}
	for id, a := range c.RMs {
		if !a.IsValid() {
			return c, fmt.Errorf("frontend: replica %d has no valid RM address", id)
		}
	}
	if c.F < 0 {
		return c, fmt.Errorf("frontend: f=%d is negative", c.F)
	}
	if n := len(c.RMs); n < 2*c.F+1 {
		return c, fmt.Errorf("frontend: %d replicas cannot tolerate f=%d (need %d)", n, c.F, 2*c.F+1)
	}
	if err := c.Timeout.Validate(); err != nil {
		return c, fmt.Errorf("frontend: %w", err)
	}
	if c.GiveUp == 0 {
		c.GiveUp = 5 * time.Second
	}
	if c.GiveUp < 0 {
		return c, fmt.Errorf("frontend: negative give-up time %v", c.GiveUp)
	}
	if c.Submit == (submit.Config{}) {
		c.Submit = submit.DefaultConfig(c.ID)
	}
	c.Submit.FE = c.ID
	if err := c.Submit.Validate(); err != nil {
		return c, fmt.Errorf("frontend: %w", err)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(nil)
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.FirstID == 0 {
		c.FirstID = uint64(c.clock().UnixNano())
	}
	return c, nil
}

// replicaIDs lists the replica ids in order (deterministic fault fan-out).
func (c *Config) replicaIDs() []uint32 {
	ids := make([]uint32, 0, len(c.RMs))
	for id := range c.RMs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
