package lookup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"concord/postcodes"
)

// Clock gives the time to the breakers and the cache; tests inject a fake.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Config tunes a Client; zero fields take the defaults noted.
type Config struct {
	Providers        []Provider    // tried in order; default: NewEmbedded(nil)
	CallTimeout      time.Duration // one provider call; default 500ms
	Budget           time.Duration // a whole Lookup, failovers included; default 2s
	Backoff          time.Duration // pause before the first failover, doubling; default 20ms
	MaxBackoff       time.Duration // cap on the pause; default 200ms
	Rounds           int           // passes over the provider list; default 1
	BreakerThreshold int           // consecutive failures that open a breaker; default 3
	BreakerCooldown  time.Duration // open time before a probe; default 5s
	CacheSize        int           // entries; default 4096
	CacheTTL         time.Duration // for addresses; default 1h
	NegativeTTL      time.Duration // for unknown postcodes; default 1m, negative disables
	Clock            Clock         // default: wall clock
	Log              *slog.Logger  // default: discard
}

func (c *Config) defaults() {
	if len(c.Providers) == 0 {
		c.Providers = []Provider{NewEmbedded(nil)}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.CallTimeout, 500*time.Millisecond)
	def(&c.Budget, 2*time.Second)
	def(&c.Backoff, 20*time.Millisecond)
	def(&c.MaxBackoff, 200*time.Millisecond)
	def(&c.BreakerCooldown, 5*time.Second)
	def(&c.CacheTTL, time.Hour)
	if c.NegativeTTL == 0 {
		c.NegativeTTL = time.Minute
	}
	if c.Rounds <= 0 {
		c.Rounds = 1
	}
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = 3
	}
	if c.CacheSize <= 0 {
		c.CacheSize = 4096
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Resolver is what callers (the Just Hungry primary) depend on; *Client is
// the implementation, and tests may substitute a fake.
type Resolver interface {
	Lookup(ctx context.Context, postcode string) (postcodes.Address, error)
}

var _ Resolver = (*Client)(nil)

// Client looks postcodes up over its providers. Safe for concurrent use.
type Client struct {
	cfg       Config
	providers []*providerState
	stats     counters

	cacheMu sync.Mutex
	cache   *Cache
}

type providerState struct {
	p     Provider
	stats providerCounters

	mu      sync.Mutex
	breaker *Breaker
}

// New builds a Client.
func New(cfg Config) *Client {
	cfg.defaults()
	c := &Client{cfg: cfg, cache: NewCache(cfg.CacheSize, cfg.CacheTTL, cfg.NegativeTTL)}
	for _, p := range cfg.Providers {
		c.providers = append(c.providers, &providerState{p: p, breaker: NewBreaker(cfg.BreakerThreshold, cfg.BreakerCooldown)})
	}
	return c
}

// Lookup returns the address of a postcode. Errors: *UnknownError
// (errors.Is ErrUnknownPostcode) for a malformed or non-existent postcode,
// *UnavailableError (errors.Is ErrUnavailable) when no provider answered, or
// ctx's error if the caller gave up first. It returns within Config.Budget
// (or ctx's deadline, if sooner) whatever the providers do.
func (c *Client) Lookup(ctx context.Context, postcode string) (postcodes.Address, error) {
	c.stats.lookups.Add(1)
	pc, err := postcodes.Normalise(postcode)
	if err != nil {
		c.stats.unknown.Add(1)
		return postcodes.Address{}, &UnknownError{Postcode: postcode, Reason: "Invalid postcode"}
	}
	if addr, unknown, ok := c.cacheGet(pc); ok {
		c.stats.cacheHits.Add(1)
		if unknown != nil {
			c.stats.unknown.Add(1)
			return postcodes.Address{}, unknown
		}
		return addr, nil
	}
	c.stats.cacheMisses.Add(1)

	budgetCtx, cancel := context.WithTimeout(ctx, c.cfg.Budget)
	defer cancel()
	var attempts []Attempt
	var lastFailed *providerState
	backoff := c.cfg.Backoff
	for round := 0; round < c.cfg.Rounds; round++ {
		for _, ps := range c.providers {
			if budgetCtx.Err() != nil {
				break
			}
			if !ps.allow(c.cfg.Clock.Now()) {
				ps.stats.rejected.Add(1)
				attempts = append(attempts, Attempt{ps.p.Name(), errCircuitOpen})
				continue
			}
			if lastFailed != nil { // failing over: pause, within the budget
				c.stats.failovers.Add(1)
				lastFailed.stats.failovers.Add(1)
				if !sleep(budgetCtx, backoff) {
					ps.abandon()
					break
				}
				backoff = min(2*backoff, c.cfg.MaxBackoff)
			}
			addr, err := c.call(budgetCtx, ps, pc)
			switch {
			case err == nil:
				ps.stats.successes.Add(1)
				ps.success()
				c.cachePut(pc, addr, nil)
				return addr, nil
			case errors.Is(err, ErrUnknownPostcode):
				ps.stats.notFound.Add(1)
				ps.success() // the provider works; the postcode does not exist
				unknown := asUnknown(err, pc, ps.p.Name())
				c.cachePut(pc, postcodes.Address{}, unknown)
				c.stats.unknown.Add(1)
				return postcodes.Address{}, unknown
			case ctx.Err() != nil: // the caller gave up: no verdict on the provider
				ps.abandon()
				return postcodes.Address{}, fmt.Errorf("postcode lookup %q: %w", pc, ctx.Err())
			default:
				ps.stats.failures.Add(1)
				ps.failure(c.cfg.Clock.Now())
				attempts = append(attempts, Attempt{ps.p.Name(), err})
				lastFailed = ps
				c.cfg.Log.Warn("postcode provider failed", "provider", ps.p.Name(), "postcode", pc, "err", err)
			}
		}
	}
	if ctx.Err() != nil {
		return postcodes.Address{}, fmt.Errorf("postcode lookup %q: %w", pc, ctx.Err())
	}
	c.stats.unavailable.Add(1)
	if budgetCtx.Err() != nil {
		attempts = append(attempts, Attempt{"budget", fmt.Errorf("time budget %v spent", c.cfg.Budget)})
	}
	return postcodes.Address{}, &UnavailableError{Postcode: pc, Attempts: attempts}
}

// call runs one provider call under the per-call timeout. The call runs in
// its own goroutine so a provider that ignores its context still cannot hold
// the lookup past the deadline.
func (c *Client) call(ctx context.Context, ps *providerState, pc string) (postcodes.Address, error) {
	ps.stats.calls.Add(1)
	callCtx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	type result struct {
		addr postcodes.Address
		err  error
	}
	done := make(chan result, 1) // buffered: a late answer never blocks
	go func() {
		addr, err := ps.p.Lookup(callCtx, pc)
		done <- result{addr, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && callCtx.Err() != nil && !errors.Is(r.err, ErrUnknownPostcode) {
			return postcodes.Address{}, fmt.Errorf("no answer within %v: %w", c.cfg.CallTimeout, r.err)
		}
		return r.addr, r.err
	case <-callCtx.Done():
		return postcodes.Address{}, fmt.Errorf("no answer within %v: %w", c.cfg.CallTimeout, callCtx.Err())
	}
}

func asUnknown(err error, pc, provider string) *UnknownError {
	var u *UnknownError
	if errors.As(err, &u) {
		return u
	}
	return &UnknownError{Postcode: pc, Provider: provider, Reason: err.Error()}
}

func (c *Client) cacheGet(pc string) (postcodes.Address, *UnknownError, bool) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	return c.cache.Get(pc, c.cfg.Clock.Now())
}

func (c *Client) cachePut(pc string, addr postcodes.Address, unknown *UnknownError) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	if unknown != nil {
		c.cache.PutUnknown(pc, unknown, c.cfg.Clock.Now())
		return
	}
	c.cache.Put(pc, addr, c.cfg.Clock.Now())
}

func (ps *providerState) allow(now time.Time) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.breaker.Allow(now)
}

func (ps *providerState) success() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.breaker.Success()
}

func (ps *providerState) failure(now time.Time) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.breaker.Failure(now)
}

func (ps *providerState) abandon() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.breaker.Abandon()
}

func (ps *providerState) state() BreakerState {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.breaker.State()
}

// sleep waits d or until ctx ends; false means ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
