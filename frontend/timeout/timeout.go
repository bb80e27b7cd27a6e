// Package timeout computes the front end's adaptive crash timeout: a multiple
// of a high percentile of the latencies observed over a sliding window,
// clamped between a floor and a ceiling. One slow request therefore never
// stalls crash detection for seconds, and a loaded system does not report
// healthy replicas as crashed. Deterministic: no clock, no randomness.
package timeout

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Config tunes an Estimator. Zero fields take the defaults of DefaultConfig.
type Config struct {
	Window     int           // latest samples kept
	MinSamples int           // below this many samples, Initial is used
	Percentile float64       // in (0, 1], e.g. 0.99
	Multiplier float64       // timeout = Multiplier * percentile
	Floor      time.Duration // lower bound of the timeout
	Ceiling    time.Duration // upper bound of the timeout
	Initial    time.Duration // timeout before MinSamples samples
}

// DefaultConfig suits loopback and LAN clusters.
func DefaultConfig() Config {
	return Config{Window: 512, MinSamples: 16, Percentile: 0.99, Multiplier: 4,
		Floor: 5 * time.Millisecond, Ceiling: 2 * time.Second, Initial: 200 * time.Millisecond}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Window == 0 {
		c.Window = d.Window
	}
	if c.MinSamples == 0 {
		c.MinSamples = d.MinSamples
	}
	if c.Percentile == 0 {
		c.Percentile = d.Percentile
	}
	if c.Multiplier == 0 {
		c.Multiplier = d.Multiplier
	}
	if c.Floor == 0 {
		c.Floor = d.Floor
	}
	if c.Ceiling == 0 {
		c.Ceiling = d.Ceiling
	}
	if c.Initial == 0 {
		c.Initial = min(max(d.Initial, c.Floor), c.Ceiling)
	}
	return c
}

// Validate reports a configuration that makes no sense (after defaults).
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Window < 1:
		return fmt.Errorf("timeout: window %d must be positive", c.Window)
	case c.MinSamples < 1 || c.MinSamples > c.Window:
		return fmt.Errorf("timeout: min samples %d must be in 1..window (%d)", c.MinSamples, c.Window)
	case !(c.Percentile > 0 && c.Percentile <= 1):
		return fmt.Errorf("timeout: percentile %v must be in (0, 1]", c.Percentile)
	case !(c.Multiplier >= 1) || math.IsInf(c.Multiplier, 0):
		return fmt.Errorf("timeout: multiplier %v must be at least 1", c.Multiplier)
	case c.Floor < 0 || c.Ceiling < c.Floor:
		return fmt.Errorf("timeout: need 0 <= floor (%v) <= ceiling (%v)", c.Floor, c.Ceiling)
	case c.Initial < c.Floor || c.Initial > c.Ceiling:
		return fmt.Errorf("timeout: initial %v outside [%v, %v]", c.Initial, c.Floor, c.Ceiling)
	}
	return nil
}

// Estimator tracks latencies. Not safe for concurrent use.
type Estimator struct {
	cfg    Config
	ring   []time.Duration // samples in arrival order (circular)
	next   int             // ring index of the next write once full
	sorted []time.Duration // the same samples, sorted
}

// New returns an estimator, or the configuration's error.
func New(cfg Config) (*Estimator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Estimator{cfg: cfg,
		ring:   make([]time.Duration, 0, cfg.Window),
		sorted: make([]time.Duration, 0, cfg.Window)}, nil
}

// Observe adds one latency sample, evicting the oldest beyond the window.
// O(window) per sample (a memmove in a small slice), O(1) to read back.
func (e *Estimator) Observe(d time.Duration) {
	d = max(d, 0)
	if len(e.ring) < e.cfg.Window {
		e.ring = append(e.ring, d)
	} else {
		old := e.ring[e.next]
		e.ring[e.next] = d
		e.next = (e.next + 1) % e.cfg.Window
		i := sort.Search(len(e.sorted), func(i int) bool { return e.sorted[i] >= old })
		e.sorted = slices.Delete(e.sorted, i, i+1)
	}
	i := sort.Search(len(e.sorted), func(i int) bool { return e.sorted[i] > d })
	e.sorted = slices.Insert(e.sorted, i, d)
}

// Samples returns how many samples are in the window.
func (e *Estimator) Samples() int { return len(e.sorted) }

// Percentile returns the configured percentile of the window (nearest rank),
// or 0 without samples.
func (e *Estimator) Percentile() time.Duration {
	n := len(e.sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(e.cfg.Percentile * float64(n)))
	return e.sorted[min(max(rank, 1), n)-1]
}

// Timeout is the crash timeout to use now.
func (e *Estimator) Timeout() time.Duration {
	if len(e.sorted) < e.cfg.MinSamples {
		return e.cfg.Initial
	}
	t := float64(e.Percentile()) * e.cfg.Multiplier
	if t >= float64(e.cfg.Ceiling) {
		return e.cfg.Ceiling
	}
	return max(time.Duration(t), e.cfg.Floor)
}
