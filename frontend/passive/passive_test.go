package passive

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ms = time.Millisecond

func testCfg() Config {
	return Config{Replicas: []uint32{1, 2, 3}, Attempt: 10 * ms, Ask: 5 * ms, Deadline: 100 * ms}
}

type step struct {
	do      string // call, reply, announce, lost, tick
	at      time.Duration
	id      uint64
	replica uint32
	view    uint64
	// expectations
	sends     []Send
	ask       bool
	answered  []uint64 // ids answered OK
	failed    []uint64 // ids answered TRANSIENT
	failovers int
	err       bool
}

func TestPassiveTable(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"first call asks, announcement sends, reply answers", []step{
			{do: "call", at: 0, id: 7, ask: true},
			{do: "announce", at: 1 * ms, view: 1, replica: 2, sends: []Send{{2, 7, false}}},
			{do: "reply", at: 2 * ms, id: 7, replica: 2, answered: []uint64{7}},
			{do: "reply", at: 3 * ms, id: 7, replica: 2, err: true},
			{do: "tick", at: time.Second},
		}},
		{"known primary: straight send", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "announce", at: 0, view: 1, replica: 1, sends: []Send{{1, 1, false}}},
			{do: "call", at: 1 * ms, id: 2, sends: []Send{{1, 2, false}}},
		}},
		{"timeout fails over with the same id", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "announce", at: 0, view: 1, replica: 1, sends: []Send{{1, 1, false}}},
			{do: "tick", at: 9 * ms},
			{do: "tick", at: 10 * ms, ask: true, failovers: 1},
			{do: "tick", at: 14 * ms},
			{do: "tick", at: 15 * ms, ask: true}, // nobody answered the ask
			{do: "announce", at: 16 * ms, view: 2, replica: 3, sends: []Send{{3, 1, true}}},
			{do: "reply", at: 17 * ms, id: 1, replica: 3, answered: []uint64{1}},
		}},
		{"connection loss fails over every call at the primary", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "call", at: 0, id: 2},
			{do: "announce", at: 1 * ms, view: 1, replica: 1, sends: []Send{{1, 1, false}, {1, 2, false}}},
			{do: "lost", at: 2 * ms, replica: 1, ask: true, failovers: 1},
			{do: "announce", at: 3 * ms, view: 2, replica: 2, sends: []Send{{2, 1, true}, {2, 2, true}}},
		}},
		{"loss of a backup changes nothing", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "announce", at: 1 * ms, view: 1, replica: 1, sends: []Send{{1, 1, false}}},
			{do: "lost", at: 2 * ms, replica: 3},
		}},
		{"stale and repeated announcements ignored", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "announce", at: 1 * ms, view: 5, replica: 1, sends: []Send{{1, 1, false}}},
			{do: "announce", at: 2 * ms, view: 4, replica: 2},
			{do: "announce", at: 2 * ms, view: 5, replica: 1},
			{do: "announce", at: 2 * ms, view: 6, replica: 9, err: true},
		}},
		{"same primary re-announced after a suspicion gets the retry", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "announce", at: 0, view: 1, replica: 1, sends: []Send{{1, 1, false}}},
			{do: "tick", at: 10 * ms, ask: true, failovers: 1},
			{do: "announce", at: 11 * ms, view: 1, replica: 1, sends: []Send{{1, 1, true}}},
		}},
		{"late reply from the old primary answers once", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "announce", at: 0, view: 1, replica: 1, sends: []Send{{1, 1, false}}},
			{do: "tick", at: 10 * ms, ask: true, failovers: 1},
			{do: "announce", at: 11 * ms, view: 2, replica: 2, sends: []Send{{2, 1, true}}},
			{do: "reply", at: 12 * ms, id: 1, replica: 1, answered: []uint64{1}},
			{do: "reply", at: 13 * ms, id: 1, replica: 2, err: true},
		}},
		{"reply from a stranger ignored", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "reply", at: 1 * ms, id: 1, replica: 9, err: true},
		}},
		{"deadline answers TRANSIENT", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "tick", at: 5 * ms, ask: true},
			{do: "call", at: 50 * ms, id: 2},
			{do: "tick", at: 100 * ms, failed: []uint64{1}, ask: true},
			{do: "tick", at: 150 * ms, failed: []uint64{2}},
			{do: "tick", at: 500 * ms},
		}},
		{"duplicate call refused", []step{
			{do: "call", at: 0, id: 1, ask: true},
			{do: "call", at: 0, id: 1, err: true},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(testCfg())
			require.NoError(t, err)
			for i, st := range tc.steps {
				var out Output
				switch st.do {
				case "call":
					out, err = c.Call(st.at, st.id)
				case "reply":
					out, err = c.Reply(st.at, st.replica, st.id, 0, []byte("r"))
				case "announce":
					out, err = c.Announce(st.at, st.view, st.replica)
				case "lost":
					out, err = c.Lost(st.at, st.replica), nil
				case "tick":
					out, err = c.Tick(st.at), nil
				}
				if st.err {
					require.Error(t, err, "step %d", i)
				} else {
					require.NoError(t, err, "step %d", i)
				}
				assert.Equal(t, st.sends, out.Sends, "step %d sends", i)
				assert.Equal(t, st.ask, out.Ask, "step %d ask", i)
				assert.Equal(t, st.failovers, out.Failovers, "step %d failovers", i)
				var ok, failed []uint64
				for _, a := range out.Answers {
					if a.OK {
						ok = append(ok, a.ID)
					} else {
						failed = append(failed, a.ID)
						assert.NotEmpty(t, a.Reason)
					}
				}
				assert.Equal(t, st.answered, ok, "step %d answered", i)
				assert.Equal(t, st.failed, failed, "step %d failed", i)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"default", DefaultConfig([]uint32{1, 2, 3}), true},
		{"no replicas", Config{Attempt: ms, Ask: ms, Deadline: ms}, false},
		{"duplicate replica", Config{Replicas: []uint32{1, 1}, Attempt: ms, Ask: ms, Deadline: ms}, false},
		{"zero attempt", Config{Replicas: []uint32{1}, Ask: ms, Deadline: ms}, false},
		{"deadline below attempt", Config{Replicas: []uint32{1}, Attempt: 2 * ms, Ask: ms, Deadline: ms}, false},
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

// TestRandomized runs the client against a simulated primary-backup group
// whose primary crashes at random, over a lossy network. Every call gets
// exactly one answer by its deadline; an OK answer is the group's result for
// that id; only calls in progress are (re)sent, always under their own id;
// and with little loss, every call succeeds despite the crashes.
func TestRandomized(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 4))
			cfg := Config{Replicas: []uint32{1, 2, 3}, Attempt: time.Duration(5+rng.IntN(20)) * ms, Ask: time.Duration(2+rng.IntN(5)) * ms}
			cfg.Deadline = 20 * cfg.Attempt
			loss := rng.Float64() * 0.3
			c, err := New(cfg)
			require.NoError(t, err)

			// The group: alive replicas, the primary in a view, a shared
			// reply cache (state transfer keeps it on every backup).
			alive := map[uint32]bool{1: true, 2: true, 3: true}
			primary, view := uint32(1), uint64(1)
			type msg struct {
				at       time.Duration
				kind     string // "req", "reply", "announce"
				id       uint64
				from, to uint32
				view     uint64
			}
			var net []msg
			now := time.Duration(0)
			answered := map[uint64]Answer{}
			started := map[uint64]time.Duration{}
			crashes := 0
			lat := func() time.Duration { return time.Duration(rng.IntN(3000)) * time.Microsecond }
			handle := func(out Output) {
				for _, s := range out.Sends {
					_, done := answered[s.ID]
					_, ok := started[s.ID]
					require.True(t, ok && !done, "send of request %d that is not in progress", s.ID)
					if rng.Float64() >= loss {
						net = append(net, msg{at: now + lat(), kind: "req", id: s.ID, to: s.Replica})
					}
				}
				if out.Ask {
					for r := range alive {
						if alive[r] && rng.Float64() >= loss {
							net = append(net, msg{at: now + lat(), kind: "announce", from: primary, view: view})
						}
					}
				}
				for _, a := range out.Answers {
					_, dup := answered[a.ID]
					require.False(t, dup, "call %d answered twice", a.ID)
					answered[a.ID] = a
					if a.OK {
						require.Equal(t, fmt.Sprint("r", a.ID), string(a.Body))
					} else {
						require.GreaterOrEqual(t, now, started[a.ID]+cfg.Deadline)
					}
					require.LessOrEqual(t, now, started[a.ID]+cfg.Deadline, "answered late")
				}
			}
			nextID := uint64(1)
			for step := 0; step < 1500; step++ {
				// Timers fire exactly when due, as the shell's timer would.
				next := now + time.Duration(rng.IntN(1000))*time.Microsecond
				for d, ok := c.Deadline(); ok && d <= next; d, ok = c.Deadline() {
					now = max(now, d)
					handle(c.Tick(now))
				}
				now = next
				if step < 1000 && rng.IntN(4) == 0 {
					started[nextID] = now
					out, err := c.Call(now, nextID)
					require.NoError(t, err)
					nextID++
					handle(out)
				}
				// Crash the primary now and then, keeping one replica alive;
				// a backup takes over after a while.
				if crashes < 2 && rng.IntN(300) == 0 {
					alive[primary] = false
					crashes++
					if rng.IntN(2) == 0 {
						handle(c.Lost(now, primary))
					}
					for _, r := range cfg.Replicas {
						if alive[r] {
							primary = r
							break
						}
					}
					view++
				}
				keep := net[:0]
				var due []msg
				for _, m := range net {
					if m.at <= now {
						due = append(due, m)
					} else {
						keep = append(keep, m)
					}
				}
				net = keep
				for _, m := range due {
					switch m.kind {
					case "req":
						switch {
						case !alive[m.to]:
						case m.to != primary: // a backup redirects
							if rng.Float64() >= loss {
								net = append(net, msg{at: now + lat(), kind: "announce", from: primary, view: view})
							}
						default:
							if rng.Float64() >= loss {
								net = append(net, msg{at: now + lat(), kind: "reply", id: m.id, from: m.to})
							}
						}
					case "reply":
						out, err := c.Reply(now, m.from, m.id, 0, []byte(fmt.Sprint("r", m.id)))
						if err == nil {
							handle(out)
						} else {
							_, done := answered[m.id]
							require.True(t, done, "unexpected reply error: %v", err)
						}
					case "announce":
						out, err := c.Announce(now, m.view, m.from)
						require.NoError(t, err)
						handle(out)
					}
				}
				if d, ok := c.Deadline(); ok && d <= now {
					handle(c.Tick(now))
				}
			}
			for i := 0; c.Pending() > 0; i++ {
				require.Less(t, i, 10000, "calls never end")
				d, ok := c.Deadline()
				require.True(t, ok)
				now = max(now, d)
				handle(c.Tick(now))
			}
			require.Len(t, answered, int(nextID-1), "every call answered")
			if loss < 0.05 {
				for id, a := range answered {
					require.True(t, a.OK, "call %d failed with a live primary and little loss: %s", id, a.Reason)
				}
			}
		})
	}
}
