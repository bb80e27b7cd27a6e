package submit

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

const ms = time.Millisecond

func testCfg() Config {
	return Config{FE: 3, RTO: 10 * ms, MaxRTO: 40 * ms, MaxSends: 4, MaxOutstanding: 3}
}

// step is one scripted event and what it must produce.
type step struct {
	do     string // "submit", "ack", "delivered", "tick"
	at     time.Duration
	ids    []uint64 // ids acked / delivered
	sends  []uint64 // ids sent (retransmit unless submit)
	failed []uint64
	acked  []uint64
	err    error
}

func TestSubmitTable(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"ack stops retransmission", []step{
			{do: "submit", at: 0, sends: []uint64{100}},
			{do: "ack", at: 1 * ms, ids: []uint64{100}, acked: []uint64{100}},
			{do: "tick", at: 100 * ms},
		}},
		{"backoff doubles up to the cap, then gives up", []step{
			{do: "submit", at: 0, sends: []uint64{100}},
			{do: "tick", at: 9 * ms},
			{do: "tick", at: 10 * ms, sends: []uint64{100}}, // next after 20
			{do: "tick", at: 29 * ms},
			{do: "tick", at: 30 * ms, sends: []uint64{100}}, // next after 40 (cap)
			{do: "tick", at: 69 * ms},
			{do: "tick", at: 70 * ms, sends: []uint64{100}}, // 4th send: last
			{do: "tick", at: 109 * ms},
			{do: "tick", at: 110 * ms, failed: []uint64{100}},
			{do: "tick", at: time.Second},
		}},
		{"duplicate and unknown acks ignored", []step{
			{do: "submit", at: 0, sends: []uint64{100}},
			{do: "submit", at: 0, sends: []uint64{101}},
			{do: "ack", at: 1 * ms, ids: []uint64{101, 7, 101}, acked: []uint64{101}},
			{do: "ack", at: 2 * ms, ids: []uint64{101}},
			{do: "tick", at: 10 * ms, sends: []uint64{100}},
		}},
		{"reply before ack stops retransmission", []step{
			{do: "submit", at: 0, sends: []uint64{100}},
			{do: "delivered", at: 1 * ms, ids: []uint64{100}},
			{do: "tick", at: 100 * ms},
			{do: "ack", at: 101 * ms, ids: []uint64{100}},
		}},
		{"outstanding bound", []step{
			{do: "submit", at: 0, sends: []uint64{100}},
			{do: "submit", at: 0, sends: []uint64{101}},
			{do: "submit", at: 0, sends: []uint64{102}},
			{do: "submit", at: 0, err: ErrBusy},
			{do: "ack", at: 1 * ms, ids: []uint64{101}, acked: []uint64{101}},
			{do: "submit", at: 2 * ms, sends: []uint64{103}},
		}},
		{"many timers fire in order in one tick", []step{
			{do: "submit", at: 2 * ms, sends: []uint64{100}},
			{do: "submit", at: 1 * ms, sends: []uint64{101}},
			{do: "submit", at: 1 * ms, sends: []uint64{102}},
			{do: "tick", at: 12 * ms, sends: []uint64{101, 102, 100}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(testCfg(), 100)
			require.NoError(t, err)
			for i, st := range tc.steps {
				var out Output
				var acked []Acked
				switch st.do {
				case "submit":
					q := &wire.Request{Operation: "op"}
					var id uint64
					id, out, err = s.Submit(st.at, q)
					if st.err != nil {
						require.ErrorIs(t, err, st.err, "step %d", i)
						continue
					}
					require.NoError(t, err)
					assert.Equal(t, id, q.ID)
					assert.Equal(t, uint32(3), q.FE)
				case "ack":
					var es []wire.AckEntry
					for _, id := range st.ids {
						es = append(es, wire.AckEntry{ID: id, Seq: id + 1000})
					}
					acked = s.Ack(es)
				case "delivered":
					for _, id := range st.ids {
						s.Delivered(id)
					}
				case "tick":
					out = s.Tick(st.at)
				}
				var sent []uint64
				for _, snd := range out.Sends {
					sent = append(sent, snd.Req.ID)
					assert.Equal(t, st.do != "submit", snd.Retransmit, "step %d", i)
				}
				assert.Equal(t, st.sends, sent, "step %d sends", i)
				assert.Equal(t, st.failed, out.Failed, "step %d failed", i)
				var got []uint64
				for _, a := range acked {
					got = append(got, a.ID)
					assert.Equal(t, a.ID+1000, a.Seq)
				}
				assert.Equal(t, st.acked, got, "step %d acked", i)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	s, err := New(testCfg(), 0)
	require.NoError(t, err)
	_, ok := s.Deadline()
	assert.False(t, ok)
	id, _, err := s.Submit(5*ms, &wire.Request{})
	require.NoError(t, err)
	assert.Equal(t, uint64(1), id, "id 0 is never used")
	d, ok := s.Deadline()
	assert.True(t, ok)
	assert.Equal(t, 15*ms, d)
	s.Ack([]wire.AckEntry{{ID: id, Seq: 1}})
	_, ok = s.Deadline()
	assert.False(t, ok, "acked request leaves no timer")
	assert.Equal(t, 0, s.Outstanding())
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"default", DefaultConfig(1), true},
		{"zero rto", Config{MaxRTO: ms, MaxSends: 1, MaxOutstanding: 1}, false},
		{"cap below rto", Config{RTO: 2 * ms, MaxRTO: ms, MaxSends: 1, MaxOutstanding: 1}, false},
		{"no sends", Config{RTO: ms, MaxRTO: ms, MaxOutstanding: 1}, false},
		{"no outstanding", Config{RTO: ms, MaxRTO: ms, MaxSends: 1}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, 1)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// TestRandomized runs the submitter against a simulated sequencer over a
// lossy, delaying network: every request ends exactly once (acked with the
// number the sequencer gave it, or failed after MaxSends sends, never
// both), ids increase, and nothing is sent after the end.
func TestRandomized(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 3))
			cfg := Config{FE: 1, RTO: time.Duration(1+rng.IntN(10)) * ms, MaxSends: 1 + rng.IntN(8), MaxOutstanding: 1 + rng.IntN(50)}
			cfg.MaxRTO = cfg.RTO * time.Duration(1+rng.IntN(8))
			loss := rng.Float64() * 0.7
			s, err := New(cfg, 1+rng.Uint64N(1<<40))
			require.NoError(t, err)

			type dgram struct {
				at  time.Duration
				id  uint64
				ack bool
			}
			var net []dgram
			seqOf := map[uint64]uint64{} // the sequencer's numbering
			nextSeq := uint64(1)
			ended := map[uint64]string{}
			sends := map[uint64]int{}
			lastID := uint64(0)
			now := time.Duration(0)

			handle := func(out Output) {
				for _, snd := range out.Sends {
					id := snd.Req.ID
					_, done := ended[id]
					require.False(t, done, "sent after its end")
					sends[id]++
					require.LessOrEqual(t, sends[id], cfg.MaxSends)
					if rng.Float64() >= loss {
						net = append(net, dgram{at: now + time.Duration(rng.IntN(3*int(cfg.RTO))), id: id})
					}
				}
				for _, id := range out.Failed {
					_, done := ended[id]
					require.False(t, done, "failed after its end")
					require.Equal(t, cfg.MaxSends, sends[id], "gave up early")
					ended[id] = "failed"
				}
			}
			for step := 0; step < 3000; step++ {
				now += time.Duration(rng.IntN(int(cfg.RTO)))
				if rng.IntN(3) == 0 {
					id, out, err := s.Submit(now, &wire.Request{})
					if err != nil {
						require.ErrorIs(t, err, ErrBusy)
						require.Equal(t, cfg.MaxOutstanding, s.Outstanding())
					} else {
						require.Greater(t, id, lastID)
						lastID = id
						handle(out)
					}
				}
				// Deliver due datagrams (in random order among the due).
				rng.Shuffle(len(net), func(i, j int) { net[i], net[j] = net[j], net[i] })
				keep := net[:0]
				var due []dgram
				for _, d := range net {
					if d.at <= now {
						due = append(due, d)
					} else {
						keep = append(keep, d)
					}
				}
				net = keep
				for _, d := range due {
					if !d.ack { // the sequencer numbers an id once and acks every copy
						if _, ok := seqOf[d.id]; !ok {
							seqOf[d.id] = nextSeq
							nextSeq++
						}
						if rng.Float64() >= loss {
							net = append(net, dgram{at: now + time.Duration(rng.IntN(int(cfg.RTO))), id: d.id, ack: true})
						}
						continue
					}
					for _, a := range s.Ack([]wire.AckEntry{{ID: d.id, Seq: seqOf[d.id]}}) {
						_, done := ended[a.ID]
						require.False(t, done, "acked after its end")
						require.Equal(t, seqOf[a.ID], a.Seq)
						ended[a.ID] = "acked"
					}
				}
				if dl, ok := s.Deadline(); ok && dl <= now {
					handle(s.Tick(now))
				}
			}
			// Drain: with no new requests everything ends within the bound.
			for i := 0; s.Outstanding() > 0; i++ {
				require.Less(t, i, 100*cfg.MaxSends, "outstanding requests never end")
				dl, ok := s.Deadline()
				require.True(t, ok)
				now = max(now, dl)
				handle(s.Tick(now))
			}
			for id := range sends {
				_, done := ended[id]
				require.True(t, done, "request %d never ended", id)
			}
		})
	}
}
