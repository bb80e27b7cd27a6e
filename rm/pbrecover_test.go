package rm

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

// run advances the simulation by d, delivering datagrams and ticking.
func (s *pbSim) run(d time.Duration) {
	for end := s.now + d; s.now < end; {
		s.now += time.Millisecond
		for len(s.q) > 0 && s.q[0].at <= s.now {
			s.deliver(heapPop(&s.q))
		}
		for i := range s.members {
			s.step(i, Tick{Now: s.now})
		}
		s.syncs()
	}
}

// orders sends requests from..to to the FE's primary until all are
// answered (bounded).
func (s *pbSim) orders(t *testing.T, from, to uint64) {
	for k := 0; k < 200; k++ {
		missing := false
		for id := from; id <= to; id++ {
			if _, ok := s.replies[id]; !ok {
				missing = true
				s.send(s.fe, s.peers[s.primary].Addr, wire.Packet{Sender: 100, Msg: s.request(id)})
			}
		}
		if !missing {
			return
		}
		s.run(10 * time.Millisecond)
	}
	t.Fatalf("orders %d..%d not all answered (view %d primary %d)", from, to, s.view, s.primary)
}

// TestNewPrimaryPullsTheMostAdvancedState: primary 0 replies to orders
// that only one backup has (the other is cut off for longer than
// BackupTimeout), then dies. Whichever backup takes over must serve a
// state with every acknowledged order, each placed exactly once.
func TestNewPrimaryPullsTheMostAdvancedState(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cut      int  // backup cut off while primary 0 goes on
		wantPull bool // the new primary (member 1) must pull member 2's state
	}{
		{name: "lagging backup is next in the takeover order", cut: 1, wantPull: true},
		{name: "up-to-date backup is next in the takeover order", cut: 2, wantPull: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newPBSim(t, 1)
			s.drop = 0 // deterministic: only the partition loses datagrams
			s.cut = map[int]bool{}
			s.orders(t, 1, 4)

			s.cut[tc.cut] = true
			s.orders(t, 5, 10) // answered once primary 0 stops waiting for the cut backup
			require.Less(t, s.members[tc.cut].pb.Position(), uint64(10), "the cut backup missed updates")

			// Primary 0 dies, the partition heals, the FE suspects primary 0.
			np := s.members[1]
			syncs := np.syncs
			s.members[0].dead = true
			delete(s.cut, tc.cut)
			for _, p := range s.peers {
				s.send(s.fe, p.Addr, wire.Packet{Sender: 100, Msg: &wire.PrimaryQuery{View: 0, Suspect: s.peers[0].ID}})
			}
			s.run(100 * time.Millisecond)
			require.True(t, np.pb.IsPrimary(), "member 1 is the next primary")
			require.False(t, np.pb.Recovering(), "the recovery ended")
			assert.Equal(t, tc.wantPull, np.syncs > syncs, "pulled a member's state")

			before := map[uint64]string{}
			for id := uint64(1); id <= 10; id++ {
				before[id] = string(s.replies[id])
				delete(s.replies, id) // the FE retries: the cached answers must come back
			}
			s.orders(t, 1, 12)
			for id := uint64(1); id <= 10; id++ {
				assert.Equal(t, before[id], string(s.replies[id]), "order %d answered as before", id)
			}
			for id := uint64(1); id <= 12; id++ {
				assert.Equal(t, 1, np.svc.runs[fmt.Sprintf("100/%d", id)], "order %d placed once on the new primary", id)
			}
			assert.Equal(t, uint64(12), np.pb.Position())
			s.run(100 * time.Millisecond)
			assert.Equal(t, np.svc.chain, s.members[2].svc.chain, "the backup has the new primary's state")
		})
	}
}
