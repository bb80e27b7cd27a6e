// Package sequencer gives every front-end request a sequence number in arrival
// order and reliably multicasts the numbered requests to the replica managers.
//
// Sequencer is a pure state machine: the caller feeds it events (datagrams,
// ticks of a logical clock, end-of-burst flushes) and sends the datagrams it
// returns. Server is the UDP shell around it.
package sequencer

import (
	"net/netip"
	"slices"
	"time"

	"concord/internal/wire"
)

// RM names one replica manager: its sender id and where it listens.
type RM struct {
	ID   uint32
	Addr netip.AddrPort
}

// Config tunes a Sequencer. Zero fields take the defaults below.
type Config struct {
	ID  uint32 // sender id of the sequencer
	RMs []RM

	// MaxDatagram bounds a Sequenced datagram (default wire.MaxDatagram).
	MaxDatagram int
	// MaxBatch bounds the requests in one Sequenced datagram; 1 turns
	// batching off (default: only the datagram size limits a batch).
	MaxBatch int
	// BufferSize is how many sequenced requests are kept for retransmission
	// (default 65536). An RM that needs an older one gets CatchUp.
	BufferSize int
	// DedupePerFE is how many recent request ids are remembered per FE
	// (default 16384) and MaxFEs how many FEs (default 64): memory for
	// deduplication is bounded by MaxFEs*DedupePerFE entries.
	DedupePerFE int
	MaxFEs      int
	// RMTimeout: an RM not heard from for this long no longer holds back
	// buffer trimming (default 500ms).
	RMTimeout time.Duration
	// HeartbeatInterval: how often an RM that has not acknowledged
	// everything is told the last sequence number, so it notices a lost
	// tail (default 5ms).
	HeartbeatInterval time.Duration
	// MaxRetransmit bounds the requests resent for one NAK (default 4096),
	// so a NAK cannot make the sequencer send without bound.
	MaxRetransmit int
	// EvictQuorum is how many RMs must have delivered a request before a
	// full buffer may evict it (default 2: f+1 with f=1), so that a lagging
	// RM still finds f+1 agreeing peers to take the state from.
	EvictQuorum int
}

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxDatagram, wire.MaxDatagram)
	if c.MaxDatagram > wire.MaxDatagram {
		c.MaxDatagram = wire.MaxDatagram
	}
	def(&c.MaxBatch, 0xffff)
	def(&c.BufferSize, 1<<16)
	def(&c.DedupePerFE, 1<<14)
	def(&c.MaxFEs, 64)
	def(&c.MaxRetransmit, 4096)
	def(&c.EvictQuorum, 2)
	if c.RMTimeout <= 0 {
		c.RMTimeout = 500 * time.Millisecond
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 5 * time.Millisecond
	}
}

// Event is an input to Step: Recv, Tick or Flush.
type Event interface{ isEvent() }

// Recv is an authenticated datagram from From.
type Recv struct {
	From netip.AddrPort
	Pkt  wire.Packet
}

// Tick advances the logical clock to Now (monotonic, any origin).
type Tick struct{ Now time.Duration }

// Flush ends a burst of input: queued requests go out as Sequenced datagrams
// and queued acknowledgements as RequestAck datagrams. The shell sends one
// after each read batch, so an idle request is never delayed and a busy
// sequencer packs many requests per datagram.
type Flush struct{}

func (Recv) isEvent()  {}
func (Tick) isEvent()  {}
func (Flush) isEvent() {}

// Output is one datagram to send.
type Output struct {
	To    netip.AddrPort // destination when ToRMs is false
	ToRMs bool           // the same datagram to every configured RM
	Pkt   wire.Packet
}

// Stats are the sequencer's counters.
type Stats struct {
	Requests      uint64 // requests numbered
	Duplicates    uint64 // retransmitted requests re-acknowledged
	Stale         uint64 // requests older than the dedupe memory, dropped
	Refused       uint64 // requests from an FE beyond MaxFEs, or FE id mismatch
	Unexpected    uint64 // datagrams of a type or sender the sequencer does not take
	Batches       uint64 // Sequenced datagrams multicast
	Naks          uint64
	Retransmitted uint64 // requests resent for NAKs
	CatchUps      uint64
	Heartbeats    uint64
	Evicted       uint64 // requests dropped from a full buffer before all RMs acked
	Backpressure  uint64 // requests refused (unacknowledged) because the buffer is full
	Buffered      uint64 // requests currently held for retransmission
	LastSeq       uint64
}

type rmState struct {
	RM
	acked     uint64
	lastHeard time.Duration
	lastHB    time.Duration
}

type feState struct {
	ids   map[uint64]uint64 // request id -> sequence number
	order []uint64          // ring of remembered ids, oldest at head once full
	head  int
	floor uint64 // highest id forgotten: older ids are stale, never renumbered
}

type pendingAck struct {
	to   netip.AddrPort
	fe   uint32
	acks []wire.AckEntry
}

// Sequencer is the ordering state machine. Not safe for concurrent use.
type Sequencer struct {
	cfg Config
	now time.Duration

	next   uint64         // next number to assign
	unsent uint64         // first number not yet multicast
	low    uint64         // oldest number still buffered
	buf    []wire.Request // ring, index seq % len(buf)

	rms   []rmState
	rmIdx map[uint32]int
	fes   map[uint32]*feState
	acks  []pendingAck

	lastMulticast time.Duration
	stats         Stats
	out           []Output
}

// New makes a Sequencer that starts numbering at 1.
func New(cfg Config) *Sequencer {
	cfg.setDefaults()
	s := &Sequencer{
		cfg:   cfg,
		next:  1,
		low:   1,
		buf:   make([]wire.Request, cfg.BufferSize),
		rmIdx: make(map[uint32]int, len(cfg.RMs)),
		fes:   make(map[uint32]*feState),
	}
	s.unsent = 1
	for i, r := range cfg.RMs {
		s.rms = append(s.rms, rmState{RM: r})
		s.rmIdx[r.ID] = i
	}
	return s
}

// Stats returns a snapshot of the counters.
func (s *Sequencer) Stats() Stats {
	st := s.stats
	st.Buffered = s.next - s.low
	st.LastSeq = s.next - 1
	return st
}

// Step applies one event. The returned slice is valid until the next Step.
func (s *Sequencer) Step(ev Event) []Output {
	s.out = s.out[:0]
	switch e := ev.(type) {
	case Recv:
		s.recv(e)
	case Tick:
		if e.Now > s.now {
			s.now = e.Now
		}
		s.tick()
	case Flush:
		s.flush()
	}
	return s.out
}

func (s *Sequencer) recv(e Recv) {
	switch m := e.Pkt.Msg.(type) {
	case *wire.Request:
		if m.FE != e.Pkt.Sender {
			s.stats.Refused++
			return
		}
		s.request(e.From, m)
	case *wire.Nak:
		if i, ok := s.heard(e.Pkt.Sender); ok {
			s.nak(i, m)
			return
		}
		s.stats.Unexpected++
	case *wire.Ack:
		if i, ok := s.heard(e.Pkt.Sender); ok {
			r := &s.rms[i]
			r.acked = max(r.acked, min(m.Delivered, s.unsent-1))
			s.trim()
			return
		}
		s.stats.Unexpected++
	case *wire.Heartbeat:
		if _, ok := s.heard(e.Pkt.Sender); !ok {
			s.stats.Unexpected++
		}
	default:
		s.stats.Unexpected++
	}
}

// heard marks an RM alive and returns its index.
func (s *Sequencer) heard(id uint32) (int, bool) {
	i, ok := s.rmIdx[id]
	if ok {
		s.rms[i].lastHeard = s.now
	}
	return i, ok
}

func (s *Sequencer) request(from netip.AddrPort, q *wire.Request) {
	fe := s.fes[q.FE]
	if fe == nil {
		if len(s.fes) >= s.cfg.MaxFEs {
			s.stats.Refused++
			return
		}
		fe = &feState{ids: make(map[uint64]uint64)}
		s.fes[q.FE] = fe
	}
	if seq, ok := fe.ids[q.ID]; ok {
		s.stats.Duplicates++
		s.queueAck(from, q.FE, q.ID, seq)
		return
	}
	if q.ID <= fe.floor {
		// Forgotten, so possibly numbered already: dropping is the only
		// way to never number an id twice.
		s.stats.Stale++
		return
	}
	if s.next-s.low == uint64(len(s.buf)) {
		// Full: evict the oldest only if EvictQuorum RMs have delivered
		// it, so a lagging RM can still get its effect by state transfer
		// from f+1 agreeing peers. Otherwise push back: no ack, and the
		// FE retransmits later.
		if s.low > s.quorumAcked() {
			s.stats.Backpressure++
			return
		}
		s.buf[s.low%uint64(len(s.buf))] = wire.Request{}
		s.low++
		s.stats.Evicted++
	}
	seq := s.next
	s.next++
	s.buf[seq%uint64(len(s.buf))] = *q
	s.stats.Requests++
	fe.ids[q.ID] = seq
	if len(fe.order) < s.cfg.DedupePerFE {
		fe.order = append(fe.order, q.ID)
	} else {
		old := fe.order[fe.head]
		delete(fe.ids, old)
		fe.floor = max(fe.floor, old)
		fe.order[fe.head] = q.ID
		fe.head = (fe.head + 1) % len(fe.order)
	}
	s.queueAck(from, q.FE, q.ID, seq)
}

func (s *Sequencer) queueAck(to netip.AddrPort, fe uint32, id, seq uint64) {
	for i := range s.acks {
		if a := &s.acks[i]; a.to == to && a.fe == fe {
			a.acks = append(a.acks, wire.AckEntry{ID: id, Seq: seq})
			return
		}
	}
	s.acks = append(s.acks, pendingAck{to: to, fe: fe, acks: []wire.AckEntry{{ID: id, Seq: seq}}})
}

func (s *Sequencer) flush() {
	if s.unsent < s.next {
		s.emitRange(s.unsent, s.next-1, netip.AddrPort{}, true, 0)
		s.unsent = s.next
		s.lastMulticast = s.now
	}
	for _, a := range s.acks {
		for len(a.acks) > 0 {
			n := min(len(a.acks), wire.MaxAcksPerDatagram)
			s.send(Output{To: a.to, Pkt: s.pkt(&wire.RequestAck{FE: a.fe, Acks: a.acks[:n]}, 0)})
			a.acks = a.acks[n:]
		}
	}
	s.acks = s.acks[:0]
}

// emitRange packs from..to (inclusive, all buffered) into Sequenced datagrams.
func (s *Sequencer) emitRange(from, to uint64, dst netip.AddrPort, all bool, flags wire.Flags) {
	for from <= to {
		size := wire.SequencedOverhead
		var reqs []wire.Request
		seq := from
		for ; seq <= to && len(reqs) < s.cfg.MaxBatch; seq++ {
			q := &s.buf[seq%uint64(len(s.buf))]
			n := wire.SequencedEntrySize(q)
			if len(reqs) > 0 && size+n > s.cfg.MaxDatagram {
				break
			}
			size += n
			reqs = append(reqs, *q)
		}
		s.send(Output{To: dst, ToRMs: all, Pkt: s.pkt(&wire.Sequenced{First: from, Requests: reqs}, flags)})
		s.stats.Batches++
		from = seq
	}
}

func (s *Sequencer) nak(i int, m *wire.Nak) {
	s.stats.Naks++
	r := &s.rms[i]
	budget := s.cfg.MaxRetransmit
	catchUp := false
	for _, rg := range m.Ranges {
		if rg.From < s.low {
			catchUp = true
			rg.From = s.low
		}
		rg.To = min(rg.To, s.unsent-1)
		if rg.From > rg.To || budget == 0 {
			continue
		}
		rg.To = min(rg.To, rg.From+uint64(budget)-1)
		budget -= int(rg.To - rg.From + 1)
		s.stats.Retransmitted += rg.To - rg.From + 1
		s.emitRange(rg.From, rg.To, r.Addr, false, wire.FlagRetransmit)
	}
	if catchUp {
		s.stats.CatchUps++
		s.send(Output{To: r.Addr, Pkt: s.pkt(&wire.CatchUp{Low: s.low, High: s.unsent - 1}, 0)})
	}
}

// quorumAcked is the highest sequence number that EvictQuorum RMs have
// delivered (all of them, if there are fewer RMs).
func (s *Sequencer) quorumAcked() uint64 {
	acked := make([]uint64, len(s.rms))
	for i := range s.rms {
		acked[i] = s.rms[i].acked
	}
	slices.Sort(acked)
	if len(acked) == 0 {
		return 0
	}
	return acked[max(len(acked)-s.cfg.EvictQuorum, 0)]
}

func (s *Sequencer) live(r *rmState) bool { return s.now-r.lastHeard <= s.cfg.RMTimeout }

// trim forgets what every live RM has delivered.
func (s *Sequencer) trim() {
	upTo, any := uint64(0), false
	for i := range s.rms {
		if r := &s.rms[i]; s.live(r) {
			if !any || r.acked < upTo {
				upTo = r.acked
			}
			any = true
		}
	}
	if !any {
		return
	}
	for newLow := min(upTo+1, s.unsent); s.low < newLow; s.low++ {
		s.buf[s.low%uint64(len(s.buf))] = wire.Request{} // release the argument bytes
	}
}

func (s *Sequencer) tick() {
	s.trim()
	last := s.unsent - 1
	if s.now-s.lastMulticast < s.cfg.HeartbeatInterval {
		return
	}
	for i := range s.rms {
		r := &s.rms[i]
		if r.acked < last && s.now-r.lastHB >= s.cfg.HeartbeatInterval {
			r.lastHB = s.now
			s.stats.Heartbeats++
			s.send(Output{To: r.Addr, Pkt: s.pkt(&wire.Heartbeat{Seq: last}, 0)})
		}
	}
}

func (s *Sequencer) pkt(m wire.Msg, f wire.Flags) wire.Packet {
	return wire.Packet{Sender: s.cfg.ID, Flags: f, Msg: m}
}

func (s *Sequencer) send(o Output) { s.out = append(s.out, o) }
