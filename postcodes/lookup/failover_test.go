package lookup

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/postcodes"
)

// Timing bounds are generous (a shared 2-core machine): they tell "bounded"
// from "hangs", not fast from slow.
const (
	testCallTimeout = 200 * time.Millisecond
	testBudget      = 1500 * time.Millisecond
	slack           = time.Second
)

func wantSW1A1AA(t *testing.T, got postcodes.Address) {
	t.Helper()
	assert.Equal(t, "SW1A 1AA", got.Postcode)
	assert.Equal(t, "Westminster", got.Town)
	assert.Equal(t, "London", got.Region)
	assert.Equal(t, "England", got.Country)
	assert.Equal(t, 51.501009, got.Latitude)
	assert.Equal(t, -0.141563, got.Longitude)
}

func TestFirstProviderFailsSecondAnswers(t *testing.T) {
	cases := []struct {
		name string
		bad  func(t *testing.T) (Provider, *fakeProvider) // fake nil when there is no server
	}{
		{"down (closed port)", func(t *testing.T) (Provider, *fakeProvider) { return closedPortProvider(t, "p1"), nil }},
		{"slow (beyond the call timeout)", fakeIn(modeSlow)},
		{"HTTP 500", fakeIn(mode500)},
		{"garbage JSON", fakeIn(modeGarbage)},
		{"answers for another postcode", fakeIn(modeWrongPC)},
		{"404 Resource not found (wrong URL)", fakeIn(modeBadPath)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p1, fake1 := tc.bad(t)
			good := newFakeProvider(t, modeOK)
			c := New(Config{
				Providers:   []Provider{p1, good.provider(t, "p2")},
				CallTimeout: testCallTimeout,
				Budget:      testBudget,
			})
			start := time.Now()
			addr, err := c.Lookup(context.Background(), "sw1a1aa")
			elapsed := time.Since(start)

			require.NoError(t, err)
			wantSW1A1AA(t, addr)
			assert.Less(t, elapsed, testCallTimeout+slack, "within the per-call timeout plus backoff")
			if fake1 != nil {
				assert.EqualValues(t, 1, fake1.count(), "provider 1 was asked once")
			}
			assert.EqualValues(t, 1, good.count(), "provider 2 answered")
			s := c.Stats()
			assert.EqualValues(t, 1, s.Failovers)
			assert.EqualValues(t, 1, s.Providers[0].Failures)
			assert.EqualValues(t, 1, s.Providers[1].Successes)
		})
	}
}

// fakeIn makes a case's first provider a fake server in mode m.
func fakeIn(m mode) func(t *testing.T) (Provider, *fakeProvider) {
	return func(t *testing.T) (Provider, *fakeProvider) {
		f := newFakeProvider(t, m)
		return f.provider(t, "p1"), f
	}
}

func TestAllProvidersDownIsUnavailable(t *testing.T) {
	cases := []struct {
		name   string
		modes  []mode // fakes after one closed port
		budget time.Duration
	}{
		{"refused, 500 and garbage", []mode{mode500, modeGarbage}, testBudget},
		{"all slow: the budget cuts the last call short", []mode{modeSlow, modeSlow, modeSlow}, 450 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			providers := []Provider{closedPortProvider(t, "down")}
			for i, m := range tc.modes {
				providers = append(providers, newFakeProvider(t, m).provider(t, "p"+string(rune('a'+i))))
			}
			c := New(Config{Providers: providers, CallTimeout: testCallTimeout, Budget: tc.budget})
			start := time.Now()
			_, err := c.Lookup(context.Background(), "SW1A 1AA")
			elapsed := time.Since(start)

			require.Error(t, err)
			assert.ErrorIs(t, err, ErrUnavailable)
			assert.NotErrorIs(t, err, ErrUnknownPostcode, "down is not the same as unknown")
			var ue *UnavailableError
			require.True(t, errors.As(err, &ue))
			assert.NotEmpty(t, ue.Attempts)
			assert.Less(t, elapsed, tc.budget+slack, "bounded by the budget")
			assert.EqualValues(t, 1, c.Stats().Unavailable)
		})
	}
}

func TestUnknownPostcodeIsNotFailover(t *testing.T) {
	cases := []struct {
		name     string
		postcode string
		asked    int64 // requests provider 1 receives
	}{
		{"valid format, not in the data", "ZE3 9XX", 1},
		{"malformed: rejected before any network", "NOT A POSTCODE", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p1, p2 := newFakeProvider(t, modeOK), newFakeProvider(t, modeOK)
			c := New(Config{Providers: []Provider{p1.provider(t, "p1"), p2.provider(t, "p2")},
				CallTimeout: testCallTimeout, Budget: testBudget})
			_, err := c.Lookup(context.Background(), tc.postcode)
			assert.ErrorIs(t, err, ErrUnknownPostcode)
			assert.NotErrorIs(t, err, ErrUnavailable)
			assert.Equal(t, tc.asked, p1.count())
			assert.Zero(t, p2.count(), "a provider's 'not found' is an answer: no failover")
		})
	}
}

func TestCallerContextEndsLookup(t *testing.T) {
	slow := newFakeProvider(t, modeSlow)
	c := New(Config{Providers: []Provider{slow.provider(t, "slow")}, CallTimeout: 5 * time.Second, Budget: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Lookup(ctx, "SW1A 1AA")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrUnavailable)
	assert.Less(t, time.Since(start), slack)
	assert.Equal(t, "closed", c.Stats().Providers[0].Breaker, "the caller giving up says nothing about the provider")
}
