package lookup

import "sync/atomic"

// Stats is a snapshot of the client's counters (monotonic since New), for
// the front end to export as metrics.
type Stats struct {
	Lookups     uint64 // Lookup calls
	CacheHits   uint64 // answered from the cache, no network
	CacheMisses uint64 // went to the providers
	Failovers   uint64 // moves to the next provider after a failure
	Unknown     uint64 // ended in ErrUnknownPostcode
	Unavailable uint64 // ended in ErrUnavailable
	Providers   []ProviderStats
}

// ProviderStats are one provider's counters, in configuration order.
type ProviderStats struct {
	Name      string
	Calls     uint64 // requests sent
	Successes uint64 // answered with an address
	NotFound  uint64 // answered "no such postcode"
	Failures  uint64 // refused, timed out, 5xx, garbage
	Rejected  uint64 // skipped because the breaker was open
	Failovers uint64 // lookups that moved on from this provider
	Breaker   string // closed, open or half-open
}

type counters struct {
	lookups, cacheHits, cacheMisses, failovers, unknown, unavailable atomic.Uint64
}

type providerCounters struct {
	calls, successes, notFound, failures, rejected, failovers atomic.Uint64
}

// Stats returns the current counters.
func (c *Client) Stats() Stats {
	s := Stats{
		Lookups:     c.stats.lookups.Load(),
		CacheHits:   c.stats.cacheHits.Load(),
		CacheMisses: c.stats.cacheMisses.Load(),
		Failovers:   c.stats.failovers.Load(),
		Unknown:     c.stats.unknown.Load(),
		Unavailable: c.stats.unavailable.Load(),
	}
	for _, ps := range c.providers {
		s.Providers = append(s.Providers, ProviderStats{
			Name:      ps.p.Name(),
			Calls:     ps.stats.calls.Load(),
			Successes: ps.stats.successes.Load(),
			NotFound:  ps.stats.notFound.Load(),
			Failures:  ps.stats.failures.Load(),
			Rejected:  ps.stats.rejected.Load(),
			Failovers: ps.stats.failovers.Load(),
			Breaker:   ps.state().String(),
		})
	}
	return s
}
