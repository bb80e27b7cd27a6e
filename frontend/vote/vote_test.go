package vote

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

const ms = time.Millisecond

func cfg4() Config {
	return Config{Replicas: []uint32{1, 2, 3, 4}, F: 1, Crash: 50 * ms, GiveUp: time.Second}
}

// ev is one scripted event: a reply (replica != 0) or a tick.
type ev struct {
	at      time.Duration
	replica uint32
	body    string
	seq     uint64 // 0 means 7
	status  uint32
}

func rep(at time.Duration, replica uint32, body string) ev {
	return ev{at: at, replica: replica, body: body}
}
func tick(at time.Duration) ev { return ev{at: at} }

type fault struct {
	replica uint32
	kind    wire.FaultKind
}

func run(t *testing.T, c Config, evs []ev, acked uint64) (answers []Answer, answeredAt []int, faults []fault, doneAt int) {
	t.Helper()
	v := New(c, 99, 0)
	if acked != 0 {
		v.Acked(acked)
	}
	doneAt = -1
	for i, e := range evs {
		var out Output
		if e.replica != 0 {
			seq := e.seq
			if seq == 0 {
				seq = 7
			}
			var err error
			out, err = v.Reply(e.at, Reply{Replica: e.replica, Seq: seq, Status: e.status, Body: []byte(e.body)})
			if err != nil {
				continue
			}
		} else {
			out = v.Tick(e.at)
		}
		if out.Answer != nil {
			answers = append(answers, *out.Answer)
			answeredAt = append(answeredAt, i)
		}
		for _, f := range out.Faults {
			faults = append(faults, fault{f.Replica, f.Kind})
		}
		if out.Done {
			require.Equal(t, -1, doneAt, "Done reported twice")
			doneAt = i
			require.True(t, v.Done())
		}
	}
	return
}

func TestTallyTable(t *testing.T) {
	W, M := wire.FaultWrong, wire.FaultMissing
	cases := []struct {
		name       string
		cfg        Config
		evs        []ev
		acked      uint64
		agreed     bool
		body       string
		answeredAt int // event index of the answer, -1 none
		faults     []fault
		doneAt     int
	}{
		{name: "all agree", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 2, "a"), rep(3*ms, 3, "a"), rep(4*ms, 4, "a")},
			agreed: true, body: "a", answeredAt: 1, doneAt: 3},
		{name: "one liar first", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 3, "x"), rep(2*ms, 1, "a"), rep(3*ms, 2, "a"), rep(4*ms, 4, "a")},
			agreed: true, body: "a", answeredAt: 2, faults: []fault{{3, W}}, doneAt: 3},
		{name: "liar after answer reported at once", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 2, "a"), rep(3*ms, 3, "x"), tick(60 * ms)},
			agreed: true, body: "a", answeredAt: 1, faults: []fault{{3, W}, {4, M}}, doneAt: 3},
		{name: "one liar one crash", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 4, "x"), rep(3*ms, 2, "a"), tick(50 * ms), tick(51 * ms)},
			agreed: true, body: "a", answeredAt: 2, faults: []fault{{4, W}, {3, M}}, doneAt: 4},
		{name: "tick before deadline does nothing", cfg: cfg4(),
			evs:    []ev{rep(10*ms, 1, "a"), tick(59 * ms), rep(60*ms, 2, "a")},
			agreed: true, body: "a", answeredAt: 2, doneAt: -1},
		{name: "two liars agree with each other but not f+1 first", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 3, "x"), rep(3*ms, 2, "a"), rep(4*ms, 4, "x")},
			agreed: true, body: "a", answeredAt: 2, faults: []fault{{3, W}, {4, W}}, doneAt: 3},
		{name: "all differ: no agreement as soon as impossible", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 2, "b"), rep(3*ms, 3, "c"), rep(4*ms, 4, "d")},
			agreed: false, answeredAt: 3, doneAt: 3},
		{name: "two crashed two differ: reported at the crash timeout, no agreement at give-up", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 2, "b"), tick(51 * ms), tick(time.Second)},
			agreed: false, answeredAt: 3, faults: []fault{{3, M}, {4, M}}, doneAt: 3},
		{name: "three crashed: reported at the crash timeout, no agreement at give-up", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), tick(51 * ms), tick(999 * ms), tick(time.Second)},
			agreed: false, answeredAt: 3, faults: []fault{{2, M}, {3, M}, {4, M}}, doneAt: 3},
		{name: "slow replies after the crash timeout still agree", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), tick(51 * ms), rep(300*ms, 3, "a"), rep(301*ms, 2, "a")},
			agreed: true, body: "a", answeredAt: 2, faults: []fault{{2, M}, {3, M}, {4, M}}, doneAt: 2},
		{name: "slow liar after the crash timeout is outvoted", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), tick(51 * ms), rep(60*ms, 2, "x"), rep(70*ms, 4, "a"), rep(80*ms, 3, "a")},
			agreed: true, body: "a", answeredAt: 3, faults: []fault{{2, M}, {3, M}, {4, M}, {2, W}}, doneAt: 3},
		{name: "no reply at all, seq known from ack: all missing", cfg: cfg4(), acked: 5,
			evs:    []ev{tick(999 * ms), tick(time.Second)},
			agreed: false, answeredAt: 1, faults: []fault{{1, M}, {2, M}, {3, M}, {4, M}}, doneAt: 1},
		{name: "no reply at all, seq unknown: no reports", cfg: cfg4(),
			evs:    []ev{tick(time.Second)},
			agreed: false, answeredAt: 0, doneAt: 0},
		{name: "different seq counts as different reply", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), {at: 2 * ms, replica: 2, body: "a", seq: 8}, rep(3*ms, 3, "a"), rep(4*ms, 4, "a")},
			agreed: true, body: "a", answeredAt: 2, faults: []fault{{2, W}}, doneAt: 3},
		{name: "different status counts as different reply", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), {at: 2 * ms, replica: 2, body: "a", status: 1}, rep(3*ms, 3, "a"), rep(4*ms, 4, "a")},
			agreed: true, body: "a", answeredAt: 2, faults: []fault{{2, W}}, doneAt: 3},
		{name: "duplicate and unknown replies ignored", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, "a"), rep(2*ms, 1, "a"), rep(2*ms, 9, "a"), rep(3*ms, 2, "a")},
			agreed: true, body: "a", answeredAt: 3, doneAt: -1},
		{name: "f=0 single replica", cfg: Config{Replicas: []uint32{5}, F: 0, Crash: ms, GiveUp: ms},
			evs:    []ev{rep(1*ms, 5, "z")},
			agreed: true, body: "z", answeredAt: 0, doneAt: 0},
		{name: "f=2 of 5 needs three", cfg: Config{Replicas: []uint32{1, 2, 3, 4, 5}, F: 2, Crash: 10 * ms, GiveUp: ms},
			evs:    []ev{rep(1*ms, 1, "a"), rep(1*ms, 2, "a"), rep(1*ms, 3, "b"), rep(1*ms, 4, "a"), tick(11 * ms)},
			agreed: true, body: "a", answeredAt: 3, faults: []fault{{3, W}, {5, M}}, doneAt: 4},
		{name: "empty body agrees", cfg: cfg4(),
			evs:    []ev{rep(1*ms, 1, ""), rep(1*ms, 2, "")},
			agreed: true, body: "", answeredAt: 1, doneAt: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.cfg.Validate())
			answers, at, faults, doneAt := run(t, tc.cfg, tc.evs, tc.acked)
			if tc.answeredAt < 0 {
				require.Empty(t, answers)
			} else {
				require.Len(t, answers, 1, "exactly one answer")
				assert.Equal(t, tc.answeredAt, at[0], "answered at event")
				assert.Equal(t, tc.agreed, answers[0].Agreed)
				if tc.agreed {
					assert.Equal(t, tc.body, string(answers[0].Body))
				} else {
					assert.NotEmpty(t, answers[0].Reason)
				}
			}
			assert.ElementsMatch(t, tc.faults, faults)
			assert.Equal(t, tc.doneAt, doneAt, "done at event")
		})
	}
}

func TestFaultSeq(t *testing.T) {
	v := New(cfg4(), 1, 0)
	_, err := v.Reply(ms, Reply{Replica: 1, Seq: 42, Body: []byte("a")})
	require.NoError(t, err)
	_, err = v.Reply(ms, Reply{Replica: 2, Seq: 42, Body: []byte("a")})
	require.NoError(t, err)
	out, err := v.Reply(ms, Reply{Replica: 3, Seq: 42, Body: []byte("b")})
	require.NoError(t, err)
	require.Equal(t, []wire.FaultReport{{Replica: 3, Seq: 42, Kind: wire.FaultWrong}}, out.Faults)
	out = v.Tick(ms + 50*ms)
	require.Equal(t, []wire.FaultReport{{Replica: 4, Seq: 42, Kind: wire.FaultMissing}}, out.Faults)
	_, err = v.Reply(100*ms, Reply{Replica: 4, Seq: 42, Body: []byte("a")})
	require.Error(t, err, "reply after the end")
}

func TestBodyCopied(t *testing.T) {
	v := New(cfg4(), 1, 0)
	buf := []byte("a")
	_, err := v.Reply(0, Reply{Replica: 1, Seq: 1, Body: buf})
	require.NoError(t, err)
	buf[0] = 'z' // the shell reuses its read buffer
	out, err := v.Reply(0, Reply{Replica: 2, Seq: 1, Body: []byte("a")})
	require.NoError(t, err)
	require.NotNil(t, out.Answer)
	require.Equal(t, "a", string(out.Answer.Body))
}

func TestDeadline(t *testing.T) {
	v := New(cfg4(), 1, 100*ms)
	assert.Equal(t, 1100*ms, v.Deadline(), "give-up before any reply")
	_, err := v.Reply(130*ms, Reply{Replica: 1, Seq: 1})
	require.NoError(t, err)
	assert.Equal(t, 180*ms, v.Deadline(), "crash timeout after the first reply")
	first, ok := v.FirstReply()
	assert.True(t, ok)
	assert.Equal(t, 130*ms, first)
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"default", cfg4(), true},
		{"minimal 3 for f=1", Config{Replicas: []uint32{1, 2, 3}, F: 1, Crash: ms, GiveUp: ms}, true},
		{"too few", Config{Replicas: []uint32{1, 2}, F: 1, Crash: ms, GiveUp: ms}, false},
		{"negative f", Config{Replicas: []uint32{1}, F: -1, Crash: ms, GiveUp: ms}, false},
		{"duplicate replica", Config{Replicas: []uint32{1, 1, 2}, F: 1, Crash: ms, GiveUp: ms}, false},
		{"zero crash timeout", Config{Replicas: []uint32{1}, Crash: 0, GiveUp: ms}, false},
		{"zero give-up", Config{Replicas: []uint32{1}, Crash: ms}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// TestRandomized checks the invariants over random groups and behaviours:
// with at most f faulty replicas the answer is the correct one, given as soon
// as f+1 correct replies are in, and exactly the faulty replicas are
// reported; with more, any answer given is backed by f+1 identical replies.
// Every vote answers exactly once and ends by its deadline.
func TestRandomized(t *testing.T) {
	for seed := uint64(1); seed <= 2000; seed++ {
		rng := rand.New(rand.NewPCG(seed, 6))
		f := rng.IntN(3)
		n := 2*f + 1 + rng.IntN(3)
		c := Config{F: f, Crash: time.Duration(1+rng.IntN(50)) * ms, GiveUp: time.Duration(1+rng.IntN(200)) * ms}
		for i := range n {
			c.Replicas = append(c.Replicas, uint32(10+i))
		}
		nfaulty := rng.IntN(f + 1)
		if rng.IntN(4) == 0 {
			nfaulty = rng.IntN(n + 1) // beyond the fault model too
		}
		kind := map[uint32]string{} // "ok", "wrong", "silent", "late"
		perm := rng.Perm(n)
		for i, p := range perm {
			r := c.Replicas[p]
			switch {
			case i >= nfaulty:
				kind[r] = "ok"
			default:
				kind[r] = []string{"wrong", "silent", "late"}[rng.IntN(3)]
			}
		}
		type arrival struct {
			at   time.Duration
			r    uint32
			body string
		}
		// Timely replies come before both deadlines; late ones after both.
		inTime := func() time.Duration { return time.Duration(rng.Int64N(int64(min(c.Crash, c.GiveUp)))) }
		var arrivals []arrival
		for _, r := range c.Replicas {
			switch kind[r] {
			case "ok":
				arrivals = append(arrivals, arrival{inTime(), r, "good"})
			case "wrong":
				// Liars sometimes collude (same wrong bytes).
				arrivals = append(arrivals, arrival{inTime(), r, fmt.Sprintf("bad%d", rng.IntN(2)*int(r))})
			case "late":
				arrivals = append(arrivals, arrival{c.Crash + c.GiveUp + time.Duration(rng.IntN(5))*ms, r, "good"})
			}
		}
		slices.SortStableFunc(arrivals, func(a, b arrival) int { return int(a.at - b.at) })

		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			v := New(c, seed, 0)
			var answer *Answer
			reported := map[uint32]wire.FaultKind{}
			counts := map[string]int{}
			nGood := 0
			take := func(out Output, what string) {
				if out.Answer != nil {
					require.Nil(t, answer, "second answer at %s", what)
					answer = out.Answer
					if answer.Agreed {
						require.GreaterOrEqual(t, counts[string(answer.Body)], f+1, "answer without f+1 backing")
					}
				}
				for _, fr := range out.Faults {
					_, dup := reported[fr.Replica]
					require.False(t, dup, "replica %d reported twice", fr.Replica)
					reported[fr.Replica] = fr.Kind
				}
			}
			now := time.Duration(0)
			for _, a := range arrivals {
				for !v.Done() && a.at >= v.Deadline() {
					now = v.Deadline()
					take(v.Tick(now), "tick")
				}
				if v.Done() {
					break
				}
				now = a.at
				counts[a.body]++
				if a.body == "good" {
					nGood++
				}
				out, err := v.Reply(now, Reply{Replica: a.r, Seq: 3, Body: []byte(a.body)})
				require.NoError(t, err)
				take(out, "reply")
				if nfaulty <= f && nGood == f+1 {
					require.NotNil(t, answer, "not answered as soon as f+1 correct replies arrived")
				}
			}
			for i := 0; !v.Done(); i++ {
				require.Less(t, i, 2, "vote did not end at its deadline")
				now = max(now, v.Deadline())
				take(v.Tick(now), "final tick")
			}
			require.NotNil(t, answer, "never answered")
			if nfaulty <= f {
				require.True(t, answer.Agreed)
				require.Equal(t, "good", string(answer.Body))
				want := map[uint32]wire.FaultKind{}
				for r, k := range kind {
					switch k {
					case "wrong":
						want[r] = wire.FaultWrong
					case "silent", "late":
						want[r] = wire.FaultMissing
					}
				}
				require.Equal(t, want, reported)
			}
			for r, k := range reported {
				if k == wire.FaultMissing {
					require.Contains(t, []string{"silent", "late"}, kind[r], "replica %d reported missing but answered in time", r)
				}
			}
		})
	}
}
