package lookup

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricValue finds the sample of name whose labels include want.
func metricValue(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, want) {
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no sample %s%v", name, want)
	return 0
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			n++
		}
	}
	return n == len(want)
}

func TestPrometheusMetrics(t *testing.T) {
	bad, good := newFakeProvider(t, mode500), newFakeProvider(t, modeOK)
	c := New(Config{Providers: []Provider{bad.provider(t, "bad"), good.provider(t, "good")},
		CallTimeout: testCallTimeout, Budget: testBudget, BreakerThreshold: 2})
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, c.RegisterWith(reg, prometheus.Labels{"replica": "r1"}))

	ctx := context.Background()
	for _, pc := range []string{"SW1A 1AA", "SW1A 1AA", "EH1 2NG", "ZE3 9XX", "CF10 3RB"} {
		_, _ = c.Lookup(ctx, pc)
	}
	// SW1A 1AA: bad fails, good answers (failover). Again: cache hit.
	// EH1 2NG: bad fails (breaker opens), good answers (failover).
	// ZE3 9XX and CF10 3RB: bad skipped by the breaker, good answers.
	cases := []struct {
		name   string
		metric string
		labels map[string]string
		want   float64
	}{
		{"lookups", MetricLookups, nil, 5},
		{"cache hits", MetricCacheHits, nil, 1},
		{"cache misses", MetricCacheMisses, nil, 4},
		{"failovers", MetricFailovers, nil, 2},
		{"unknown", MetricUnknown, nil, 1},
		{"unavailable", MetricUnavailable, nil, 0},
		{"calls to bad", MetricProviderCalls, map[string]string{"provider": "bad"}, 2},
		{"calls to good", MetricProviderCalls, map[string]string{"provider": "good"}, 4},
		{"bad failures", MetricProviderResult, map[string]string{"provider": "bad", "result": "failure"}, 2},
		{"bad rejected by breaker", MetricProviderResult, map[string]string{"provider": "bad", "result": "rejected"}, 2},
		{"good successes", MetricProviderResult, map[string]string{"provider": "good", "result": "success"}, 3},
		{"good not found", MetricProviderResult, map[string]string{"provider": "good", "result": "not_found"}, 1},
		{"bad breaker open", MetricBreakerOpen, map[string]string{"provider": "bad"}, 1},
		{"good breaker closed", MetricBreakerOpen, map[string]string{"provider": "good"}, 0},
		{"const label kept", MetricLookups, map[string]string{"replica": "r1"}, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, metricValue(t, reg, tc.metric, tc.labels))
		})
	}

	assert.Error(t, c.RegisterWith(reg, prometheus.Labels{"replica": "r1"}), "a second identical registration is refused")
}

func TestMetricsWithDuplicateProviderNames(t *testing.T) {
	c := New(Config{Providers: []Provider{NewEmbedded(nil), NewEmbedded(nil)}})
	reg := prometheus.NewRegistry()
	require.NoError(t, c.Register(reg))
	_, err := c.Lookup(context.Background(), "SW1A 1AA")
	require.NoError(t, err)
	assert.Equal(t, 1.0, metricValue(t, reg, MetricProviderCalls, map[string]string{"provider": "embedded"}))
	assert.Equal(t, 0.0, metricValue(t, reg, MetricProviderCalls, map[string]string{"provider": "embedded#2"}))
}
