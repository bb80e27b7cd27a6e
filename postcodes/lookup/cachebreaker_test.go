package lookup

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCacheHitAvoidsNetwork(t *testing.T) {
	fake := newFakeProvider(t, modeOK)
	clock := newFakeClock()
	c := New(Config{Providers: []Provider{fake.provider(t, "p1")}, CallTimeout: testCallTimeout,
		Budget: testBudget, CacheTTL: time.Minute, NegativeTTL: 10 * time.Second, Clock: clock})
	ctx := context.Background()

	steps := []struct {
		name     string
		postcode string
		advance  time.Duration // clock moves before the lookup
		unknown  bool
		requests int64 // server-side total after the step
	}{
		{"first lookup goes to the server", "SW1A 1AA", 0, false, 1},
		{"same postcode, other spelling: cached", "sw1a1aa", 0, false, 1},
		{"still fresh just before the TTL", " SW1A 1AA ", 59 * time.Second, false, 1},
		{"expired after the TTL: asked again", "SW1A 1AA", 2 * time.Second, false, 2},
		{"unknown postcode asked once", "ZE3 9XX", 0, true, 3},
		{"unknown verdict cached", "ZE39XX", 0, true, 3},
		{"unknown verdict expires sooner", "ZE3 9XX", 11 * time.Second, true, 4},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		_, err := c.Lookup(ctx, s.postcode)
		if s.unknown {
			assert.ErrorIs(t, err, ErrUnknownPostcode, s.name)
		} else {
			assert.NoError(t, err, s.name)
		}
		assert.Equal(t, s.requests, fake.count(), s.name)
	}
	st := c.Stats()
	assert.EqualValues(t, 3, st.CacheHits)
	assert.EqualValues(t, 4, st.CacheMisses)
}

func TestBreakerSkipsFailingProviderThenProbes(t *testing.T) {
	flaky, backup := newFakeProvider(t, mode500), newFakeProvider(t, modeOK)
	clock := newFakeClock()
	c := New(Config{
		Providers:        []Provider{flaky.provider(t, "flaky"), backup.provider(t, "backup")},
		CallTimeout:      testCallTimeout,
		Budget:           testBudget,
		BreakerThreshold: 2,
		BreakerCooldown:  30 * time.Second,
		Clock:            clock,
		NegativeTTL:      -1,
	})
	// Distinct postcodes so the cache never answers.
	pcs := []string{"SW1A 1AA", "SW1A 2AA", "SW1A 0AA", "EH1 2NG", "CF10 3RB", "BT1 5GS", "BS8 1TH"}
	lookup := func(i int) {
		t.Helper()
		_, err := c.Lookup(context.Background(), pcs[i])
		require.NoError(t, err, pcs[i])
	}

	lookup(0)
	lookup(1)
	assert.EqualValues(t, 2, flaky.count(), "two failures reach the threshold")
	assert.Equal(t, "open", c.Stats().Providers[0].Breaker)

	lookup(2)
	assert.EqualValues(t, 2, flaky.count(), "open breaker: provider skipped, no request")
	assert.EqualValues(t, 1, c.Stats().Providers[0].Rejected)
	assert.EqualValues(t, 3, backup.count())

	clock.Advance(30 * time.Second)
	lookup(3) // half-open probe fails: open again
	assert.EqualValues(t, 3, flaky.count(), "one probe after the cool-down")
	assert.Equal(t, "open", c.Stats().Providers[0].Breaker)
	lookup(4)
	assert.EqualValues(t, 3, flaky.count(), "reopened: skipped again")

	flaky.set(modeOK)
	clock.Advance(30 * time.Second)
	lookup(5) // probe succeeds: closed, and it answers
	assert.EqualValues(t, 4, flaky.count())
	assert.Equal(t, "closed", c.Stats().Providers[0].Breaker)
	backupBefore := backup.count()
	lookup(6)
	assert.EqualValues(t, 5, flaky.count(), "closed: first in line again")
	assert.Equal(t, backupBefore, backup.count())
}
