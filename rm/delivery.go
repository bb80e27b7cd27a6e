// Package rm is the replica manager: a hold-back queue that delivers the
// sequencer's requests to the local replica exactly once and in sequence
// order (Delivery, a pure state machine), and the UDP shell around it
// (Transport).
package rm

import (
	"net/netip"
	"time"

	"concord/internal/wire"
)

// Config tunes a Delivery. Zero fields take the defaults below.
type Config struct {
	ID          uint32 // this RM's sender id
	SequencerID uint32 // only Sequenced/CatchUp/Heartbeat from this sender count
	Sequencer   netip.AddrPort

	// Start is the first sequence number to deliver (default 1).
	Start uint64
	// NakDelay: a gap must last this long before the first NAK, so that
	// mere reordering costs nothing (default 1ms).
	NakDelay time.Duration
	// NakInterval: minimum time between NAKs (default 5ms).
	NakInterval time.Duration
	// AckInterval: a cumulative Ack goes out at least this often, also as
	// a keep-alive (default 5ms); AckEvery: and after this many
	// deliveries (default 1024).
	AckInterval time.Duration
	AckEvery    int
	// Window is the hold-back queue capacity in sequence numbers, rounded
	// up to a power of two (default 65536). Requests further ahead are
	// dropped and NAKed later.
	Window int
}

func (c *Config) setDefaults() {
	if c.Start == 0 {
		c.Start = 1
	}
	if c.NakDelay <= 0 {
		c.NakDelay = time.Millisecond
	}
	if c.NakInterval <= 0 {
		c.NakInterval = 5 * time.Millisecond
	}
	if c.AckInterval <= 0 {
		c.AckInterval = 5 * time.Millisecond
	}
	if c.AckEvery <= 0 {
		c.AckEvery = 1024
	}
	if c.Window <= 0 {
		c.Window = 1 << 16
	}
	w := 1
	for w < c.Window {
		w <<= 1
	}
	c.Window = w
}

// Event is an input to Step: Recv, Tick or Restored.
type Event interface{ isEvent() }

// Recv is an authenticated datagram from From.
type Recv struct {
	From netip.AddrPort
	Pkt  wire.Packet
}

// Tick advances the logical clock to Now.
type Tick struct{ Now time.Duration }

// Restored reports that the replica's state now reflects every request up to
// and including Seq (after a state transfer): delivery resumes at Seq+1.
type Restored struct{ Seq uint64 }

// Suspend pauses delivery because the replica is being replaced or
// restarted: requests keep being held back until Restored.
type Suspend struct{}

func (Recv) isEvent()     {}
func (Tick) isEvent()     {}
func (Restored) isEvent() {}
func (Suspend) isEvent()  {}

// Output is Send, Deliver, NeedState or Fault.
type Output interface{ isOutput() }

// Send is a datagram to send.
type Send struct {
	To  netip.AddrPort
	Pkt wire.Packet
}

// Deliver hands the replica the next request, in sequence order, exactly once.
type Deliver struct {
	Seq uint64
	Req *wire.Request
}

// NeedState says the sequencer no longer holds request Next: the replica
// must load a peer's state at some sequence number >= Next-1 (the sequencer
// still holds Low..High) and the caller then steps Restored. Delivery
// pauses until then; requests keep being held back.
type NeedState struct{ Next, Low, High uint64 }

// Fault passes on an FE's fault report.
type Fault struct {
	From   netip.AddrPort
	Report wire.FaultReport
}

func (Send) isOutput()      {}
func (Deliver) isOutput()   {}
func (NeedState) isOutput() {}
func (Fault) isOutput()     {}

// Stats are the delivery counters.
type Stats struct {
	Delivered    uint64 // highest sequence number delivered
	Duplicates   uint64 // sequenced requests already delivered or held
	BeyondWindow uint64 // sequenced requests too far ahead to hold
	Naks         uint64
	NakedSeqs    uint64 // sequence numbers asked for again
	Acks         uint64
	Unexpected   uint64
	Held         uint64 // requests waiting in the hold-back queue
}

type slot struct {
	seq uint64 // 0 = empty
	req wire.Request
}

// Delivery is one RM's hold-back queue. Not safe for concurrent use.
type Delivery struct {
	cfg  Config
	now  time.Duration
	next uint64 // next sequence number to deliver
	high uint64 // highest sequence number known to exist
	hold []slot // ring, index seq & mask
	mask uint64
	held int

	gap          bool
	gapSince     time.Duration
	lastNak      time.Duration
	naked        bool // a NAK was sent since the gap opened
	lastAck      time.Duration
	lastAcked    uint64
	sinceAck     int
	transferring bool

	stats Stats
	out   []Output
}

// New makes a Delivery expecting cfg.Start next.
func New(cfg Config) *Delivery {
	cfg.setDefaults()
	return &Delivery{
		cfg:  cfg,
		next: cfg.Start,
		high: cfg.Start - 1,
		hold: make([]slot, cfg.Window),
		mask: uint64(cfg.Window - 1),
	}
}

// Next is the next sequence number to be delivered.
func (d *Delivery) Next() uint64 { return d.next }

// Transferring reports whether delivery waits for a state transfer.
func (d *Delivery) Transferring() bool { return d.transferring }

// Stats returns a snapshot of the counters.
func (d *Delivery) Stats() Stats {
	s := d.stats
	s.Delivered = d.next - 1
	s.Held = uint64(d.held)
	return s
}

// Step applies one event. The returned slice is valid until the next Step;
// the requests in Deliver outputs stay valid for good.
func (d *Delivery) Step(ev Event) []Output {
	d.out = d.out[:0]
	switch e := ev.(type) {
	case Recv:
		d.recv(e)
	case Tick:
		if e.Now > d.now {
			d.now = e.Now
		}
		d.tick()
	case Restored:
		d.restored(e.Seq)
	case Suspend:
		d.transferring = true
	}
	d.trackGap()
	return d.out
}

func (d *Delivery) recv(e Recv) {
	fromSeq := e.Pkt.Sender == d.cfg.SequencerID
	switch m := e.Pkt.Msg.(type) {
	case *wire.Sequenced:
		if !fromSeq {
			d.stats.Unexpected++
			return
		}
		for i := range m.Requests {
			d.hold1(m.First+uint64(i), &m.Requests[i])
		}
		d.deliverReady()
	case *wire.Heartbeat:
		if !fromSeq {
			d.stats.Unexpected++
			return
		}
		d.high = max(d.high, m.Seq)
	case *wire.CatchUp:
		if !fromSeq {
			d.stats.Unexpected++
			return
		}
		d.high = max(d.high, m.High)
		if d.next < m.Low && !d.transferring {
			d.transferring = true
			d.out = append(d.out, NeedState{Next: d.next, Low: m.Low, High: m.High})
		}
	case *wire.FaultReport:
		d.out = append(d.out, Fault{From: e.From, Report: *m})
	default:
		d.stats.Unexpected++
	}
}

func (d *Delivery) hold1(seq uint64, q *wire.Request) {
	d.high = max(d.high, seq)
	switch {
	case seq < d.next:
		d.stats.Duplicates++
	case seq-d.next > d.mask:
		d.stats.BeyondWindow++
	default:
		s := &d.hold[seq&d.mask]
		if s.seq == seq {
			d.stats.Duplicates++
			return
		}
		if s.seq == 0 {
			d.held++
		}
		*s = slot{seq: seq, req: *q}
	}
}

func (d *Delivery) deliverReady() {
	if d.transferring {
		return
	}
	for {
		s := &d.hold[d.next&d.mask]
		if s.seq != d.next {
			break
		}
		req := new(wire.Request)
		*req = s.req
		*s = slot{}
		d.held--
		d.out = append(d.out, Deliver{Seq: d.next, Req: req})
		d.next++
		d.sinceAck++
	}
	if d.sinceAck >= d.cfg.AckEvery {
		d.ack()
	}
}

func (d *Delivery) restored(seq uint64) {
	if seq+1 < d.next {
		// The requests between seq and next were delivered and are gone:
		// this state is too old to resume from.
		d.stats.Unexpected++
		return
	}
	d.transferring = false
	// Drop what the restored state already covers.
	for ; d.next <= seq; d.next++ {
		if s := &d.hold[d.next&d.mask]; s.seq == d.next {
			*s = slot{}
			d.held--
		}
	}
	d.next = seq + 1
	d.high = max(d.high, seq)
	d.deliverReady()
	d.ack()
}

func (d *Delivery) trackGap() {
	gap := d.high >= d.next && !d.transferring
	if gap && !d.gap {
		d.gapSince = d.now
		d.naked = false
	}
	d.gap = gap
}

func (d *Delivery) tick() {
	if d.gap && d.now-d.gapSince >= d.cfg.NakDelay && (!d.naked || d.now-d.lastNak >= d.cfg.NakInterval) {
		d.nak()
	}
	// Ack when something new was delivered; when idle, only as a slower
	// keep-alive (the sequencer must keep counting this RM as live).
	if idle := d.next-1 == d.lastAcked; d.now-d.lastAck >= d.cfg.AckInterval && (!idle || d.now-d.lastAck >= 20*d.cfg.AckInterval) {
		d.ack()
	}
}

// nak asks for every missing number in the window, as ranges.
func (d *Delivery) nak() {
	var ranges []wire.Range
	end := min(d.high, d.next+d.mask)
	for seq := d.next; seq <= end && len(ranges) < wire.MaxNakRanges; seq++ {
		if d.hold[seq&d.mask].seq == seq {
			continue
		}
		if n := len(ranges); n > 0 && ranges[n-1].To == seq-1 {
			ranges[n-1].To = seq
		} else {
			ranges = append(ranges, wire.Range{From: seq, To: seq})
		}
		d.stats.NakedSeqs++
	}
	if len(ranges) == 0 {
		return
	}
	d.naked = true
	d.lastNak = d.now
	d.stats.Naks++
	d.send(&wire.Nak{Ranges: ranges})
}

func (d *Delivery) ack() {
	d.lastAck = d.now
	d.lastAcked = d.next - 1
	d.sinceAck = 0
	d.stats.Acks++
	d.send(&wire.Ack{Delivered: d.next - 1})
}

func (d *Delivery) send(m wire.Msg) {
	d.out = append(d.out, Send{To: d.cfg.Sequencer, Pkt: wire.Packet{Sender: d.cfg.ID, Msg: m}})
}
