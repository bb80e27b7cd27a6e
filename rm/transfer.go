package rm

import (
	"net/netip"
	"sort"
	"time"

	"concord/internal/wire"
)

// Peer is another RM of the same replica group.
type Peer struct {
	ID   uint32
	Addr netip.AddrPort
}

// TransferConfig configures a Transfer.
type TransferConfig struct {
	Self        uint32
	Sequencer   netip.AddrPort
	SequencerID uint32
	Peers       []Peer
	// Quorum is how many peers must offer the same digest (f+1: at least
	// one of them is correct).
	Quorum int
	// Retry is the resend interval of unanswered requests (default 20ms).
	Retry time.Duration
	// MaxRetries: after this many unanswered query rounds a fresh checkpoint
	// is asked for (default 50).
	MaxRetries int
}

// Transfer is the state-transfer client of a recovering RM, a pure state
// machine: it gets a checkpoint sequence number S from the sequencer (a
// sequenced checkpoint request makes every RM snapshot its replica at S),
// collects the peers' offers for S, picks a digest that Quorum peers agree
// on and fetches that snapshot in chunks from the peers that offered it.
type Transfer struct {
	cfg    TransferConfig
	now    time.Duration
	active bool

	reqID   uint64 // checkpoint request id, 0 when S was given
	seq     uint64 // checkpoint S, 0 until known
	offers  map[uint32]wire.StateOffer
	chosen  *wire.StateOffer
	sources []Peer
	chunks  [][]byte
	missing int
	last    time.Duration
	retries int
	rot     int
	out     []Output
}

// NewTransfer makes an idle Transfer.
func NewTransfer(cfg TransferConfig) *Transfer {
	if cfg.Retry <= 0 {
		cfg.Retry = 20 * time.Millisecond
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 50
	}
	if cfg.Quorum <= 0 {
		cfg.Quorum = 1
	}
	return &Transfer{cfg: cfg}
}

// Loaded is the Transfer's result: the snapshot of a correct replica at Seq.
type Loaded struct {
	Seq      uint64
	Snapshot []byte
	Digest   [32]byte
}

func (Loaded) isOutput() {}

// Active reports whether a transfer is under way.
func (t *Transfer) Active() bool { return t.active }

// Start begins a transfer. With seq > 0 the checkpoint S is already known
// (a replacement verdict sequenced at S); otherwise a checkpoint request
// with id reqID is sent to the sequencer first.
func (t *Transfer) Start(now time.Duration, seq, reqID uint64) []Output {
	t.out = t.out[:0]
	t.now = now
	t.active = true
	t.reqID = reqID
	t.retries = 0
	t.begin(seq)
	return t.out
}

func (t *Transfer) begin(seq uint64) {
	t.seq = seq
	t.offers = map[uint32]wire.StateOffer{}
	t.chosen = nil
	t.chunks = nil
	t.send1()
}

// Step handles a datagram or a tick (Recv or Tick events).
func (t *Transfer) Step(ev Event) []Output {
	t.out = t.out[:0]
	if !t.active {
		return t.out
	}
	switch e := ev.(type) {
	case Tick:
		t.now = max(t.now, e.Now)
		if t.now-t.last >= t.cfg.Retry {
			t.retry()
		}
	case Recv:
		t.recv(e)
	}
	return t.out
}

func (t *Transfer) retry() {
	t.retries++
	if t.chosen == nil && t.seq != 0 && t.retries > t.cfg.MaxRetries && t.reqID != 0 {
		// No quorum for S (peers lost it, or too many are down): ask for a
		// fresh checkpoint.
		t.reqID++
		t.retries = 0
		t.begin(0)
		return
	}
	t.rot++
	t.send1()
}

// send1 sends what the current phase waits for.
func (t *Transfer) send1() {
	t.last = t.now
	switch {
	case t.seq == 0:
		t.send(t.cfg.Sequencer, wire.CheckpointRequest(t.cfg.Self, t.reqID))
	case t.chosen == nil:
		for _, p := range t.cfg.Peers {
			if _, ok := t.offers[p.ID]; !ok {
				t.send(p.Addr, &wire.StateQuery{Seq: t.seq})
			}
		}
	default:
		src := t.sources[t.rot%len(t.sources)]
		asked := 0
		for i, c := range t.chunks {
			if c == nil && asked < 64 {
				t.send(src.Addr, &wire.StateFetch{Seq: t.seq, Offset: uint32(i * wire.MaxStateChunk)})
				asked++
			}
		}
	}
}

func (t *Transfer) peer(id uint32) (Peer, bool) {
	for _, p := range t.cfg.Peers {
		if p.ID == id {
			return p, true
		}
	}
	return Peer{}, false
}

func (t *Transfer) recv(e Recv) {
	switch m := e.Pkt.Msg.(type) {
	case *wire.RequestAck:
		if t.seq != 0 || e.Pkt.Sender != t.cfg.SequencerID {
			return
		}
		for _, a := range m.Acks {
			if m.FE == t.cfg.Self && a.ID == t.reqID {
				t.retries = 0
				t.begin(a.Seq)
				return
			}
		}
	case *wire.StateOffer:
		if _, ok := t.peer(e.Pkt.Sender); !ok || m.Seq != t.seq || t.chosen != nil {
			return
		}
		t.offers[e.Pkt.Sender] = *m
		t.choose()
	case *wire.StateChunk:
		if t.chosen == nil || m.Seq != t.seq || m.Total != t.chosen.Size || !t.isSource(e.Pkt.Sender) {
			return
		}
		i := int(m.Offset) / wire.MaxStateChunk
		if int(m.Offset)%wire.MaxStateChunk != 0 || i >= len(t.chunks) || t.chunks[i] != nil {
			return
		}
		want := min(wire.MaxStateChunk, int(t.chosen.Size)-int(m.Offset))
		if len(m.Data) != want {
			return
		}
		t.chunks[i] = m.Data
		t.missing--
		if t.missing == 0 {
			t.finish()
		} else {
			t.retries = 0
		}
	}
}

func (t *Transfer) isSource(id uint32) bool {
	for _, s := range t.sources {
		if s.ID == id {
			return true
		}
	}
	return false
}

// choose picks the first digest (in peer id order, so deterministic) that
// Quorum peers offered.
func (t *Transfer) choose() {
	ids := make([]uint32, 0, len(t.offers))
	for id := range t.offers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		o := t.offers[id]
		var srcs []Peer
		for _, id2 := range ids {
			if o2 := t.offers[id2]; o2.Digest == o.Digest && o2.Size == o.Size {
				p, _ := t.peer(id2)
				srcs = append(srcs, p)
			}
		}
		if len(srcs) >= t.cfg.Quorum {
			t.chosen = &o
			t.sources = srcs
			n := (int(o.Size) + wire.MaxStateChunk - 1) / wire.MaxStateChunk
			t.chunks = make([][]byte, n)
			t.missing = n
			t.retries = 0
			if n == 0 {
				t.finish()
				return
			}
			t.send1()
			return
		}
	}
}

func (t *Transfer) finish() {
	snap := make([]byte, 0, t.chosen.Size)
	for _, c := range t.chunks {
		snap = append(snap, c...)
	}
	t.active = false
	t.out = append(t.out, Loaded{Seq: t.seq, Snapshot: snap, Digest: t.chosen.Digest})
}

// Reject says the loaded snapshot did not restore to its digest: the
// transfer starts over with a fresh checkpoint (if it asked for one) or
// the same one.
func (t *Transfer) Reject(now time.Duration) []Output {
	t.out = t.out[:0]
	t.now = now
	t.active = true
	if t.reqID != 0 {
		t.reqID++
		t.begin(0)
	} else {
		t.begin(t.seq)
	}
	return t.out
}

func (t *Transfer) send(to netip.AddrPort, m wire.Msg) {
	t.out = append(t.out, Send{To: to, Pkt: wire.Packet{Sender: t.cfg.Self, Msg: m}})
}
