package rm

import (
	"container/heap"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/internal/wire"
	"concord/sequencer"
)

var (
	long     = flag.Bool("long", false, "run many more simulation seeds")
	simFirst = flag.Uint64("sim.first", 1, "first simulation seed")
)

// The simulation wires FEs, the sequencer and 4 RMs through a seeded fake
// network that drops, duplicates, delays and reorders datagrams, on a logical
// clock. Every datagram is sealed and opened, so the codec is exercised too.

const (
	simSeqID = 1
	simRMs   = 4
	simFEs   = 2
)

var simKey = wire.NewKey([]byte("sim"))

func simAddr(id uint32) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(id))
}
func rmID(i int) uint32 { return uint32(10 + i) }
func feID(i int) uint32 { return uint32(100 + i) }

type datagram struct {
	at   time.Duration
	n    uint64 // tie-break, keeps the run deterministic
	from netip.AddrPort
	to   netip.AddrPort
	b    []byte
}

type queue []datagram

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].n < q[j].n
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(datagram)) }
func (q *queue) Pop() any {
	old := *q
	d := old[len(old)-1]
	*q = old[:len(old)-1]
	return d
}

type simFE struct {
	id      uint32
	nextID  uint64
	pending map[uint64]*wire.Request
	acked   map[uint64]uint64
}

type simRM struct {
	d         *Delivery
	log       []wire.Request // what the replica's state reflects, seq i+1 at i
	delivered int            // requests delivered by Step (not by transfer)
	needState bool
	transfers int
}

type sim struct {
	t         *testing.T
	rng       *rand.Rand
	now       time.Duration
	q         queue
	n         uint64
	drop, dup float64
	maxDelay  time.Duration
	cut       int // RM index cut off from the network, -1 for none
	seq       *sequencer.Sequencer
	rms       []*simRM
	fes       []*simFE
}

func newSim(t *testing.T, seed uint64) *sim {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := &sim{t: t, rng: rng, cut: -1,
		drop: rng.Float64() * 0.3, dup: rng.Float64() * 0.1,
		maxDelay: time.Duration(1+rng.IntN(4)) * time.Millisecond}
	var rms []sequencer.RM
	for i := 0; i < simRMs; i++ {
		rms = append(rms, sequencer.RM{ID: rmID(i), Addr: simAddr(rmID(i))})
		s.rms = append(s.rms, &simRM{d: New(Config{ID: rmID(i), SequencerID: simSeqID, Sequencer: simAddr(simSeqID), Window: 64})})
	}
	// A small buffer so that a lagging RM really falls beyond it.
	s.seq = sequencer.New(sequencer.Config{ID: simSeqID, RMs: rms, BufferSize: 32, MaxBatch: 1 + rng.IntN(8),
		RMTimeout: 30 * time.Millisecond, DedupePerFE: 1 << 12})
	for i := 0; i < simFEs; i++ {
		s.fes = append(s.fes, &simFE{id: feID(i), pending: map[uint64]*wire.Request{}, acked: map[uint64]uint64{}})
	}
	return s
}

func (s *sim) send(from, to netip.AddrPort, p wire.Packet) {
	b, err := wire.Seal(simKey, p)
	require.NoError(s.t, err)
	if s.cut >= 0 && (from == simAddr(rmID(s.cut)) || to == simAddr(rmID(s.cut))) {
		return
	}
	copies := 1
	if s.rng.Float64() < s.drop {
		copies = 0
	} else if s.rng.Float64() < s.dup {
		copies = 2
	}
	for ; copies > 0; copies-- {
		s.n++
		heap.Push(&s.q, datagram{at: s.now + time.Duration(s.rng.Int64N(int64(s.maxDelay))), n: s.n, from: from, to: to, b: b})
	}
}

func (s *sim) seqOut(outs []sequencer.Output) {
	for _, o := range outs {
		if o.ToRMs {
			for i := range s.rms {
				s.send(simAddr(simSeqID), simAddr(rmID(i)), o.Pkt)
			}
		} else {
			s.send(simAddr(simSeqID), o.To, o.Pkt)
		}
	}
}

func (s *sim) rmOut(i int, outs []Output) {
	r := s.rms[i]
	for _, o := range outs {
		switch o := o.(type) {
		case Send:
			s.send(simAddr(rmID(i)), o.To, o.Pkt)
		case Deliver:
			require.Equal(s.t, uint64(len(r.log)+1), o.Seq, "rm %d: gap or duplicate", i)
			r.log = append(r.log, *o.Req)
			r.delivered++
		case NeedState:
			require.False(s.t, r.needState, "rm %d: NeedState twice", i)
			r.needState = true
		}
	}
}

// transfer gives a waiting RM the state of the most advanced peer, as the
// real RM's state transfer would.
func (s *sim) transfer(i int) {
	r := s.rms[i]
	best := -1
	for j, p := range s.rms {
		if j != i && !p.needState && len(p.log) >= len(r.log) && (best < 0 || len(p.log) > len(s.rms[best].log)) {
			best = j
		}
	}
	if best < 0 || len(s.rms[best].log) == len(r.log) {
		return
	}
	r.needState = false
	r.transfers++
	r.log = append([]wire.Request(nil), s.rms[best].log...)
	s.rmOut(i, r.d.Step(Restored{Seq: uint64(len(r.log))}))
}

func (s *sim) deliver(dg datagram) {
	p, err := wire.Open(simKey, dg.b)
	require.NoError(s.t, err)
	switch {
	case dg.to == simAddr(simSeqID):
		s.seqOut(s.seq.Step(sequencer.Recv{From: dg.from, Pkt: p}))
		s.seqOut(s.seq.Step(sequencer.Flush{}))
	case dg.to.Port() >= 100:
		fe := s.fes[dg.to.Port()-100]
		for _, a := range p.Msg.(*wire.RequestAck).Acks {
			if old, ok := fe.acked[a.ID]; ok {
				require.Equal(s.t, old, a.Seq, "request renumbered")
			}
			fe.acked[a.ID] = a.Seq
			delete(fe.pending, a.ID)
		}
	default:
		i := int(dg.to.Port()) - 10
		s.rmOut(i, s.rms[i].d.Step(Recv{From: dg.from, Pkt: p}))
	}
}

func (s *sim) tick() {
	s.seqOut(s.seq.Step(sequencer.Tick{Now: s.now}))
	for i, r := range s.rms {
		s.rmOut(i, r.d.Step(Tick{Now: s.now}))
		if r.needState {
			s.transfer(i)
		}
	}
	// FEs retransmit what is not acknowledged, every 5 ms.
	if s.now%(5*time.Millisecond) == 0 {
		for _, fe := range s.fes {
			for _, id := range slices.Sorted(maps.Keys(fe.pending)) {
				q := fe.pending[id]
				s.send(simAddr(fe.id), simAddr(simSeqID), wire.Packet{Sender: fe.id, Flags: wire.FlagRetransmit, Msg: q})
			}
		}
	}
}

func (s *sim) submit(fe *simFE) {
	fe.nextID++
	q := &wire.Request{FE: fe.id, ID: fe.nextID, ReplyTo: simAddr(fe.id), Service: "s", Operation: "op", Args: []byte(fmt.Sprint(fe.nextID))}
	fe.pending[q.ID] = q
	s.send(simAddr(fe.id), simAddr(simSeqID), wire.Packet{Sender: fe.id, Msg: q})
}

// run advances the clock in 1 ms steps until until, delivering due datagrams.
func (s *sim) run(until time.Duration, each func()) {
	for s.now < until {
		s.now += time.Millisecond
		for len(s.q) > 0 && s.q[0].at <= s.now {
			s.deliver(heap.Pop(&s.q).(datagram))
		}
		s.tick()
		if each != nil {
			each()
		}
	}
}

func (s *sim) total() int {
	n := 0
	for _, fe := range s.fes {
		n += int(fe.nextID)
	}
	return n
}

func (s *sim) done() bool {
	for _, fe := range s.fes {
		if len(fe.pending) > 0 {
			return false
		}
	}
	for _, r := range s.rms {
		if len(r.log) != s.total() {
			return false
		}
	}
	return s.seq.Stats().Buffered == 0
}

// runSeed returns how many CatchUps the sequencer sent and how many state
// transfers the possibly lagging RM made.
func runSeed(t *testing.T, seed uint64) (catchUps, transfers int) {
	s := newSim(t, seed)
	requests := 50 + s.rng.IntN(150)
	lag := s.rng.IntN(4) == 0 // one RM cut off long enough to fall beyond the buffer
	cutAt, healAt := time.Duration(0), time.Duration(0)
	if lag {
		cutAt = time.Duration(5+s.rng.IntN(20)) * time.Millisecond
		healAt = cutAt + time.Duration(60+s.rng.IntN(40))*time.Millisecond
	}
	s.run(150*time.Millisecond, func() {
		if s.total() < requests {
			for k := s.rng.IntN(4); k > 0 && s.total() < requests; k-- {
				s.submit(s.fes[s.rng.IntN(simFEs)])
			}
		}
		if lag && s.now == cutAt {
			s.cut = simRMs - 1
		}
		if lag && s.now == healAt {
			s.cut = -1
		}
	})
	s.cut = -1
	s.drop, s.dup = 0, 0
	for k := 0; k < 100 && !s.done(); k++ {
		s.run(s.now+10*time.Millisecond, nil)
	}
	if !s.done() {
		for i, r := range s.rms {
			t.Logf("rm %d: log %d need %v next %d transferring %v %+v", i, len(r.log), r.needState, r.d.Next(), r.d.Transferring(), r.d.Stats())
		}
	}
	require.True(t, s.done(), "seed %d did not converge: seq %+v", seed, s.seq.Stats())

	// Same sequence everywhere, each request id numbered once and delivered once.
	ref := s.rms[0].log
	seen := map[[2]uint64]bool{}
	for _, q := range ref {
		k := [2]uint64{uint64(q.FE), q.ID}
		require.False(t, seen[k], "request %v numbered twice", k)
		seen[k] = true
	}
	require.Len(t, seen, s.total())
	for i, r := range s.rms {
		require.Equal(t, len(ref), len(r.log), "rm %d", i)
		for j := range ref {
			require.Equal(t, ref[j].FE, r.log[j].FE, "rm %d seq %d", i, j+1)
			require.Equal(t, ref[j].ID, r.log[j].ID, "rm %d seq %d", i, j+1)
			require.Equal(t, ref[j].Args, r.log[j].Args, "rm %d seq %d", i, j+1)
		}
		if r.transfers == 0 {
			require.Equal(t, len(ref), r.delivered, "rm %d delivered everything itself", i)
		}
	}
	for _, fe := range s.fes {
		for id, seq := range fe.acked {
			q := ref[seq-1]
			require.Equal(t, [2]uint64{uint64(fe.id), id}, [2]uint64{uint64(q.FE), q.ID}, "ack names the wrong sequence number")
		}
	}
	return int(s.seq.Stats().CatchUps), s.rms[simRMs-1].transfers
}

func TestSimulation(t *testing.T) {
	seeds := 1500
	if testing.Short() {
		seeds = 200
	}
	if *long {
		seeds = 50000
	}
	catchUps, transfers := 0, 0
	for seed := *simFirst; seed < *simFirst+uint64(seeds); seed++ {
		c, tr := runSeed(t, seed)
		catchUps += c
		transfers += tr
		if t.Failed() {
			return
		}
	}
	require.Positive(t, catchUps, "no seed exercised a lagging RM beyond the buffer")
	require.Positive(t, transfers, "no lagging RM caught up by state transfer")
	t.Logf("%d seeds: %d catch-ups, %d state transfers", seeds, catchUps, transfers)
}

func heapPush(q *queue, d datagram) { heap.Push(q, d) }
func heapPop(q *queue) datagram     { return heap.Pop(q).(datagram) }
