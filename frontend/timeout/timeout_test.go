package timeout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ms = time.Millisecond

func seq(ds ...time.Duration) []time.Duration { return ds }

func TestTimeoutTable(t *testing.T) {
	base := Config{Window: 10, MinSamples: 3, Percentile: 0.9, Multiplier: 2,
		Floor: 4 * ms, Ceiling: 100 * ms, Initial: 50 * ms}
	cases := []struct {
		name    string
		cfg     Config
		samples []time.Duration
		pct     time.Duration
		timeout time.Duration
	}{
		{"no samples: initial", base, nil, 0, 50 * ms},
		{"too few samples: initial", base, seq(ms, ms), ms, 50 * ms},
		{"floor", base, seq(ms, ms, ms), ms, 4 * ms},
		{"multiple of the percentile", base,
			seq(1*ms, 2*ms, 3*ms, 4*ms, 5*ms, 6*ms, 7*ms, 8*ms, 9*ms, 10*ms), 9 * ms, 18 * ms},
		{"one outlier in ten is below p90", base,
			seq(5*ms, 5*ms, 5*ms, 5*ms, 5*ms, 5*ms, 5*ms, 5*ms, 5*ms, 900*ms), 5 * ms, 10 * ms},
		{"ceiling", base, seq(80*ms, 80*ms, 80*ms), 80 * ms, 100 * ms},
		{"old samples leave the window", base,
			seq(90*ms, 90*ms, 90*ms, 90*ms, 90*ms, 3*ms, 3*ms, 3*ms, 3*ms, 3*ms, 3*ms, 3*ms, 3*ms, 3*ms, 3*ms), 3 * ms, 6 * ms},
		{"negative sample counts as zero", base, seq(-ms, -ms, -ms), 0, 4 * ms},
		{"p100 is the max", Config{Window: 4, MinSamples: 1, Percentile: 1, Multiplier: 1, Floor: 1, Ceiling: time.Second, Initial: ms},
			seq(3*ms, 9*ms, 1*ms), 9 * ms, 9 * ms},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(tc.cfg)
			require.NoError(t, err)
			for _, s := range tc.samples {
				e.Observe(s)
			}
			assert.Equal(t, tc.pct, e.Percentile())
			assert.Equal(t, tc.timeout, e.Timeout())
			assert.Equal(t, min(len(tc.samples), tc.cfg.Window), e.Samples())
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero means defaults", Config{}, true},
		{"defaults", DefaultConfig(), true},
		{"negative window", Config{Window: -1}, false},
		{"min samples above window", Config{Window: 4, MinSamples: 5}, false},
		{"percentile above 1", Config{Percentile: 1.5}, false},
		{"negative percentile", Config{Percentile: -0.1}, false},
		{"NaN percentile", Config{Percentile: math.NaN()}, false},
		{"multiplier below 1", Config{Multiplier: 0.5}, false},
		{"ceiling below floor", Config{Floor: time.Second, Ceiling: ms}, false},
		{"initial above ceiling", Config{Ceiling: 10 * ms, Initial: 20 * ms}, false},
		{"floor only: initial clamped", Config{Floor: time.Second}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// TestRandomized compares the incremental window against a from-scratch
// sort of the latest samples.
func TestRandomized(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2))
			cfg := Config{Window: 1 + rng.IntN(64), Percentile: 0.5 + rng.Float64()/2, Multiplier: 1 + 4*rng.Float64(),
				Floor: ms, Ceiling: 500 * ms, Initial: 20 * ms}
			cfg.MinSamples = 1 + rng.IntN(cfg.Window)
			e, err := New(cfg)
			require.NoError(t, err)
			var all []time.Duration
			for range 500 {
				d := time.Duration(rng.IntN(200)) * ms / 10
				if rng.IntN(20) == 0 {
					d = time.Duration(rng.IntN(1000)) * ms // spikes
				}
				e.Observe(d)
				all = append(all, d)
				win := slices.Clone(all[max(0, len(all)-cfg.Window):])
				slices.Sort(win)
				rank := int(math.Ceil(cfg.Percentile * float64(len(win))))
				want := win[max(rank, 1)-1]
				require.Equal(t, want, e.Percentile())
				got := e.Timeout()
				if len(win) < cfg.MinSamples {
					require.Equal(t, cfg.Initial, got)
					continue
				}
				require.GreaterOrEqual(t, got, cfg.Floor)
				require.LessOrEqual(t, got, cfg.Ceiling)
				require.InDelta(t, float64(min(max(time.Duration(float64(want)*cfg.Multiplier), cfg.Floor), cfg.Ceiling)), float64(got), 1)
			}
		})
	}
}
