package lookup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBreaker(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	type step struct {
		op    string // allow, ok, fail, abandon
		at    time.Duration
		allow bool // expected Allow result
		state BreakerState
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"opens after threshold consecutive failures", []step{
			{"fail", 0, false, Closed},
			{"fail", 0, false, Closed},
			{"allow", 0, true, Closed},
			{"fail", time.Second, false, Open},
			{"allow", 2 * time.Second, false, Open},
		}},
		{"success resets the count", []step{
			{"fail", 0, false, Closed},
			{"fail", 0, false, Closed},
			{"ok", 0, false, Closed},
			{"fail", 0, false, Closed},
			{"fail", 0, false, Closed},
			{"allow", 0, true, Closed},
		}},
		{"half-opens after cool-down with one probe", []step{
			{"fail", 0, false, Closed}, {"fail", 0, false, Closed}, {"fail", 0, false, Open},
			{"allow", 9*time.Second + 999*time.Millisecond, false, Open},
			{"allow", 10 * time.Second, true, HalfOpen},
			{"allow", 10 * time.Second, false, HalfOpen}, // second caller waits for the probe
			{"ok", 11 * time.Second, false, Closed},
			{"allow", 11 * time.Second, true, Closed},
		}},
		{"failed probe reopens for a fresh cool-down", []step{
			{"fail", 0, false, Closed}, {"fail", 0, false, Closed}, {"fail", 0, false, Open},
			{"allow", 10 * time.Second, true, HalfOpen},
			{"fail", 12 * time.Second, false, Open},
			{"allow", 21 * time.Second, false, Open},
			{"allow", 22 * time.Second, true, HalfOpen},
		}},
		{"abandoned probe lets another probe through", []step{
			{"fail", 0, false, Closed}, {"fail", 0, false, Closed}, {"fail", 0, false, Open},
			{"allow", 10 * time.Second, true, HalfOpen},
			{"abandon", 10 * time.Second, false, HalfOpen},
			{"allow", 10 * time.Second, true, HalfOpen},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := NewBreaker(3, 10*time.Second)
			for i, s := range c.steps {
				switch s.op {
				case "allow":
					assert.Equal(t, s.allow, b.Allow(at(s.at)), "step %d allow", i)
				case "ok":
					b.Success()
				case "fail":
					b.Failure(at(s.at))
				case "abandon":
					b.Abandon()
				}
				assert.Equal(t, s.state, b.State(), "step %d (%s) state", i, s.op)
			}
		})
	}
}

func TestBreakerStateNames(t *testing.T) {
	assert.Equal(t, "closed", Closed.String())
	assert.Equal(t, "open", Open.String())
	assert.Equal(t, "half-open", HalfOpen.String())
}
