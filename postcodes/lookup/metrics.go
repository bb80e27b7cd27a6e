package lookup

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Register exports the client's counters as Prometheus metrics on reg. The
// collector reads the same atomic counters as Stats at scrape time, so the two
// views always agree and a lookup pays nothing extra for being measured.
// Registering two clients on one registry needs distinct ConstLabels; use
// RegisterWith for that.
func (c *Client) Register(reg prometheus.Registerer) error {
	return c.RegisterWith(reg, nil)
}

// RegisterWith is Register with labels added to every metric, e.g.
// {"replica": "2"} when several clients share a registry.
func (c *Client) RegisterWith(reg prometheus.Registerer, labels prometheus.Labels) error {
	return reg.Register(newCollector(c, labels))
}

// Metric names, exported so dashboards and tests spell them one way.
const (
	MetricLookups        = "concord_postcode_lookups_total"
	MetricCacheHits      = "concord_postcode_cache_hits_total"
	MetricCacheMisses    = "concord_postcode_cache_misses_total"
	MetricFailovers      = "concord_postcode_failovers_total"
	MetricUnknown        = "concord_postcode_unknown_total"
	MetricUnavailable    = "concord_postcode_unavailable_total"
	MetricProviderCalls  = "concord_postcode_provider_calls_total"
	MetricProviderResult = "concord_postcode_provider_results_total"
	MetricBreakerOpen    = "concord_postcode_provider_breaker_open"
)

type collector struct {
	c                                                      *Client
	lookups, hits, misses, failovers, unknown, unavailable *prometheus.Desc
	calls, results, breaker                                *prometheus.Desc
}

func newCollector(c *Client, labels prometheus.Labels) *collector {
	d := func(name, help string, varLabels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, varLabels, labels)
	}
	return &collector{
		c:           c,
		lookups:     d(MetricLookups, "Postcode lookups asked of the client."),
		hits:        d(MetricCacheHits, "Lookups answered from the cache without the network."),
		misses:      d(MetricCacheMisses, "Lookups that went to the providers."),
		failovers:   d(MetricFailovers, "Moves to the next provider after one failed."),
		unknown:     d(MetricUnknown, "Lookups that ended in 'unknown postcode'."),
		unavailable: d(MetricUnavailable, "Lookups that ended with every provider unavailable."),
		calls:       d(MetricProviderCalls, "Requests sent to a provider.", "provider"),
		results: d(MetricProviderResult,
			"Provider call outcomes: success, not_found, failure, or rejected (skipped by an open breaker).",
			"provider", "result"),
		breaker: d(MetricBreakerOpen, "1 while the provider's circuit breaker is open or half-open, else 0.", "provider"),
	}
}

func (m *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.lookups, m.hits, m.misses, m.failovers, m.unknown, m.unavailable,
		m.calls, m.results, m.breaker} {
		ch <- d
	}
}

func (m *collector) Collect(ch chan<- prometheus.Metric) {
	s := m.c.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(m.lookups, s.Lookups)
	counter(m.hits, s.CacheHits)
	counter(m.misses, s.CacheMisses)
	counter(m.failovers, s.Failovers)
	counter(m.unknown, s.Unknown)
	counter(m.unavailable, s.Unavailable)
	seen := map[string]int{}
	for _, p := range s.Providers {
		// Two providers with one name would make a duplicate series and
		// fail the whole scrape; number the later ones instead.
		if seen[p.Name]++; seen[p.Name] > 1 {
			p.Name = fmt.Sprintf("%s#%d", p.Name, seen[p.Name])
		}
		counter(m.calls, p.Calls, p.Name)
		counter(m.results, p.Successes, p.Name, "success")
		counter(m.results, p.NotFound, p.Name, "not_found")
		counter(m.results, p.Failures, p.Name, "failure")
		counter(m.results, p.Rejected, p.Name, "rejected")
		open := 0.0
		if p.Breaker != Closed.String() {
			open = 1
		}
		ch <- prometheus.MustNewConstMetric(m.breaker, prometheus.GaugeValue, open, p.Name)
	}
}
