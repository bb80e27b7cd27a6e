package rm

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

// orderService stands in for Just Hungry: placing an order looks up an
// address (non-deterministic: random here), and the state records how many
// times each request ran, so running one twice shows.
type orderService struct {
	chain [32]byte
	runs  map[string]int
}

func (o *orderService) exec(q *wire.Request, inputs []byte, rng *rand.Rand) (body, in []byte) {
	if inputs == nil {
		inputs = binary.BigEndian.AppendUint64(nil, rng.Uint64()) // the "lookup"
	}
	k := fmt.Sprintf("%d/%d", q.FE, q.ID)
	o.runs[k]++
	o.chain = sha256.Sum256(append(append(o.chain[:], q.Args...), inputs...))
	return append([]byte(k+"@"), inputs...), inputs
}

func (o *orderService) clone() *orderService {
	return &orderService{chain: o.chain, runs: maps.Clone(o.runs)}
}

type pbMember struct {
	pb    *PrimaryBackup
	svc   *orderService
	dead  bool
	syncs int
}

type pbSim struct {
	t       *testing.T
	rng     *rand.Rand
	now     time.Duration
	drop    float64
	members []*pbMember
	peers   []Peer
	q       queue
	n       uint64
	pending map[int]SyncFrom // member -> sync it waits for
	ckID    uint64
	// FE
	fe      netip.AddrPort
	view    uint64
	primary int
	replies map[uint64][]byte
	cut     map[int]bool   // members cut off by a partition
	lookups map[uint64]int // Prepare runs per request id (PBConfig.Prepare)
}

func newPBSim(t *testing.T, seed uint64) *pbSim { return newPBSimPrepare(t, seed, false) }

// newPBSimPrepare: with prepare, primaries look addresses up in Prepare and
// have the backups record them before executing.
func newPBSimPrepare(t *testing.T, seed uint64, prepare bool) *pbSim {
	s := &pbSim{t: t, rng: rand.New(rand.NewPCG(seed, 7)), fe: simAddr(100), replies: map[uint64][]byte{}, pending: map[int]SyncFrom{}, lookups: map[uint64]int{}}
	s.drop = s.rng.Float64() * 0.15
	for i := 0; i < 3; i++ {
		s.peers = append(s.peers, Peer{ID: uint32(21 + i), Addr: simAddr(uint32(21 + i))})
	}
	for i := range s.peers {
		s.members = append(s.members, &pbMember{
			pb:  NewPrimaryBackup(PBConfig{Self: s.peers[i].ID, Members: s.peers, Retry: 5 * time.Millisecond, BackupTimeout: 50 * time.Millisecond, Prepare: prepare}),
			svc: &orderService{runs: map[string]int{}},
		})
	}
	return s
}

func (s *pbSim) send(from, to netip.AddrPort, p wire.Packet) {
	if s.cut[s.index(from)] || s.cut[s.index(to)] {
		return
	}
	if s.rng.Float64() < s.drop {
		return
	}
	b, err := wire.Seal(simKey, p)
	require.NoError(s.t, err)
	s.n++
	heapPush(&s.q, datagram{at: s.now + time.Duration(s.rng.Int64N(int64(2*time.Millisecond))), n: s.n, from: from, to: to, b: b})
}

func (s *pbSim) index(a netip.AddrPort) int { return int(a.Port()) - 21 }

func (s *pbSim) step(i int, ev Event) {
	m := s.members[i]
	if m.dead {
		return
	}
	outs := slices.Clone(m.pb.Step(ev))
	for _, o := range outs {
		switch o := o.(type) {
		case Send:
			s.send(s.peers[i].Addr, o.To, o.Pkt)
		case Prepare:
			s.lookups[o.Req.ID]++
			s.step(i, Prepared{FE: o.Req.FE, ID: o.Req.ID, Inputs: binary.BigEndian.AppendUint64(nil, s.rng.Uint64())})
		case Execute:
			body, in := m.svc.exec(o.Req, o.Req.Inputs, s.rng)
			s.step(i, Executed{Num: o.Num, Body: body, Inputs: in})
		case Apply:
			require.NotNil(s.t, o.Req.Inputs, "a backup must get the primary's inputs")
			body, _ := m.svc.exec(o.Req, o.Req.Inputs, s.rng)
			s.step(i, Applied{Num: o.Num, Body: body})
		case SyncFrom:
			s.pending[i] = o
		case Checkpoint:
			if !o.Repeat {
				s.checkpoint(i, o)
			}
		}
	}
}

// syncs asks live primaries for the checkpoints that members wait for
// (what the shell's Transfer does, without the datagrams).
func (s *pbSim) syncs() {
	for _, i := range slices.Sorted(maps.Keys(s.pending)) {
		sf := s.pending[i]
		m := s.members[i]
		if !m.pb.CanSync(sf.View) {
			delete(s.pending, i) // overtaken by a view change
			continue
		}
		p := s.index(sf.Primary.Addr)
		if s.members[p].dead {
			continue
		}
		s.ckID++
		s.step(p, Recv{From: s.peers[i].Addr, Pkt: wire.Packet{Sender: s.peers[i].ID, Msg: wire.CheckpointRequest(s.peers[i].ID, s.ckID)}})
	}
}

// checkpoint completes a sync: the primary's state at o.Upto goes to o.To.
func (s *pbSim) checkpoint(from int, o Checkpoint) {
	i := s.index(o.To)
	m, p := s.members[i], s.members[from]
	if !m.pb.CanSync(p.pb.View()) {
		return
	}
	delete(s.pending, i)
	m.svc = p.svc.clone()
	m.syncs++
	s.step(i, Synced{View: p.pb.View(), Upto: o.Upto, Cache: p.pb.CacheBlob(o.Upto)})
}

func (s *pbSim) deliver(dg datagram) {
	p, err := wire.Open(simKey, dg.b)
	require.NoError(s.t, err)
	if dg.to == s.fe {
		switch m := p.Msg.(type) {
		case *wire.Reply:
			if old, ok := s.replies[m.ID]; ok {
				require.Equal(s.t, string(old), string(m.Body), "request %d answered twice differently", m.ID)
			}
			s.replies[m.ID] = m.Body
		case *wire.Primary:
			if m.View >= s.view {
				s.view, s.primary = m.View, int(m.Primary)-21
			}
		}
		return
	}
	s.step(s.index(dg.to), Recv{From: dg.from, Pkt: p})
}

func (s *pbSim) request(id uint64) *wire.Request {
	return &wire.Request{FE: 100, ID: id, ReplyTo: s.fe, Service: "justhungry", Operation: "placeOrder", Args: []byte(fmt.Sprint(id))}
}

func TestPrimaryBackupSimulation(tt *testing.T) {
	seeds := 400
	if *long {
		seeds = 5000
	}
	failovers := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		// Odd seeds: inputs recorded by the backups before execution.
		failovers += runPBSeed(tt, seed, seed%2 == 1)
		if tt.Failed() {
			tt.Fatalf("seed %d", seed)
		}
	}
	require.Positive(tt, failovers, "no seed exercised a takeover")
	tt.Logf("%d seeds, %d with a takeover", seeds, failovers)
}

// runPBSeed returns 1 if a backup took over from a dead primary.
func runPBSeed(t *testing.T, seed uint64, prepare bool) int {
	s := newPBSimPrepare(t, seed, prepare)
	const total = 60
	killAt := uint64(10 + s.rng.IntN(40))
	killBackup := s.rng.IntN(3) == 0
	loseReplica := !killBackup && s.rng.IntN(3) == 0
	lost := false
	next := uint64(1)
	tries := map[uint64]int{}
	triedView := map[uint64]uint64{}
	lastSend := map[uint64]time.Duration{}
	for step := 0; step < 20000 && (next <= total || len(s.replies) < total); step++ {
		s.now += time.Millisecond
		for len(s.q) > 0 && s.q[0].at <= s.now {
			s.deliver(heapPop(&s.q))
		}
		for i := range s.members {
			s.step(i, Tick{Now: s.now})
		}
		s.syncs()
		if next == killAt && !s.members[0].dead && !lost {
			switch {
			case loseReplica:
				// The primary's replica process dies and restarts empty.
				lost = true
				s.members[0].svc = &orderService{runs: map[string]int{}}
				s.step(0, ReplicaLost{})
			case killBackup:
				s.members[1].dead = true
			default:
				s.members[0].dead = true // the primary of view 0
			}
		}
		// The FE: a few requests in flight, each resent to the believed
		// primary; after 3 silent tries it reports the primary suspected.
		if next <= total && len(lastSend) < 4 {
			lastSend[next] = -time.Hour
			next++
		}
		for _, id := range slices.Sorted(maps.Keys(lastSend)) {
			if _, ok := s.replies[id]; ok {
				delete(lastSend, id)
				continue
			}
			if s.now-lastSend[id] < 20*time.Millisecond {
				continue
			}
			lastSend[id] = s.now
			if s.view != triedView[id] {
				tries[id], triedView[id] = 0, s.view // a new primary gets a fair chance
			}
			tries[id]++
			if tries[id]%5 == 0 {
				for _, p := range s.peers {
					s.send(s.fe, p.Addr, wire.Packet{Sender: 100, Msg: &wire.PrimaryQuery{View: s.view, Suspect: s.peers[s.primary].ID}})
				}
				continue
			}
			s.send(s.fe, s.peers[s.primary].Addr, wire.Packet{Sender: 100, Msg: s.request(id)})
		}
	}
	if len(s.replies) < total {
		for i, m := range s.members {
			t.Logf("member %d: dead %v view %d primary %v synced %v pos %d pending %+v", i, m.dead, m.pb.View(), m.pb.IsPrimary(), m.pb.synced, m.pb.Position(), s.pending[i])
		}
		t.Logf("fe view %d primary %d; killAt %d backup %v", s.view, s.primary, killAt, killBackup)
	}
	require.Len(t, s.replies, total, "seed %d: every order answered", seed)
	// Let the backups finish, then audit: same state on every live member,
	// each order placed exactly once, and the answer the client got is the
	// one the replicas recorded.
	for k := 0; k < 2000 && (k < 200 || s.members[s.primary].dead || !s.members[s.primary].pb.IsPrimary()); k++ {
		if k%20 == 0 && s.members[s.primary].dead {
			for _, p := range s.peers {
				s.send(s.fe, p.Addr, wire.Packet{Sender: 100, Msg: &wire.PrimaryQuery{View: s.view, Suspect: s.peers[s.primary].ID}})
			}
		} else if k%20 == 0 {
			s.send(s.fe, s.peers[s.primary].Addr, wire.Packet{Sender: 100, Msg: &wire.PrimaryQuery{View: s.view}})
		}
		s.now += time.Millisecond
		for len(s.q) > 0 && s.q[0].at <= s.now {
			s.deliver(heapPop(&s.q))
		}
		for i := range s.members {
			s.step(i, Tick{Now: s.now})
		}
		s.syncs()
	}
	var ref *orderService
	for i, m := range s.members {
		if m.dead || !m.pb.IsPrimary() {
			continue
		}
		ref = m.svc
		_ = i
	}
	require.NotNil(t, ref, "seed %d: a live primary", seed)
	for id := uint64(1); id <= total; id++ {
		if ref.runs[fmt.Sprintf("100/%d", id)] != 1 {
			for i, m := range s.members {
				t.Logf("member %d: dead %v view %d primary %v syncs %d runs %d pos %d", i, m.dead, m.pb.View(), m.pb.IsPrimary(), m.syncs, m.svc.runs[fmt.Sprintf("100/%d", id)], m.pb.Position())
			}
		}
		require.Equal(t, 1, ref.runs[fmt.Sprintf("100/%d", id)], "seed %d: order %d placed once", seed, id)
	}
	for i, m := range s.members {
		if !m.dead && s.pending[i] == (SyncFrom{}) {
			require.Equal(t, ref.chain, m.svc.chain, "seed %d: member %d diverged", seed, i)
		}
	}
	if prepare {
		// Without a view change each order is looked up once; a change
		// may repeat the lookups of requests in flight whose inputs no
		// backup had recorded yet (the FE keeps at most 4 in flight).
		extra := 0
		for id := uint64(1); id <= total; id++ {
			require.Positive(t, s.lookups[id], "seed %d: order %d never prepared", seed, id)
			extra += s.lookups[id] - 1
		}
		views := int(s.members[s.primary].pb.View())
		require.LessOrEqual(t, extra, 4*views, "seed %d: %d repeated lookups in %d view changes", seed, extra, views)
	}
	if (s.members[0].dead && !killBackup) || lost {
		return 1
	}
	return 0
}
