package rm

import (
	"cmp"
	"encoding/binary"
	"errors"
	"maps"
	"net/netip"
	"slices"
	"time"

	"concord/internal/wire"
)

// PBConfig configures a PrimaryBackup.
type PBConfig struct {
	Self    uint32
	Members []Peer // the group in takeover order, Self included
	// Retry is the resend interval of updates and keep-alives (default 20ms).
	Retry time.Duration
	// BackupTimeout: a backup not heard from for this long is no longer
	// waited for before replying (default 300ms).
	BackupTimeout time.Duration
	// CacheSize bounds the reply cache (default 65536 replies).
	CacheSize int
	// Prepare: the primary first obtains a request's non-deterministic
	// inputs (Prepare/Prepared) and has every live backup record them
	// (PBInputs) before it executes the request, so a primary that dies
	// after a lookup leaves its successor the answer instead of a second
	// lookup. Off: inputs travel with the update only.
	Prepare bool
}

// Events of PrimaryBackup besides Recv and Tick.
type (
	// Executed: the primary's replica executed update Num.
	Executed struct {
		Num    uint64
		Status uint32
		Body   []byte
		Inputs []byte
	}
	// Applied: a backup's replica applied update Num.
	Applied struct {
		Num    uint64
		Status uint32
		Body   []byte
	}
	// Prepared: the primary's replica obtained the inputs of request
	// (FE, ID) (empty: it needs none).
	Prepared struct {
		FE     uint32
		ID     uint64
		Inputs []byte
	}
	// Synced: a backup loaded the primary's checkpoint (see Checkpoint):
	// its state reflects updates up to Upto, its reply cache is Cache.
	Synced struct {
		View, Upto uint64
		Cache      []byte
	}
)

// ReplicaLost: the member's replica process died and a fresh one (initial
// state) replaced it. A primary hands over to the next member; a backup
// syncs anew.
type ReplicaLost struct{}

func (ReplicaLost) isEvent() {}
func (Executed) isEvent()    {}
func (Applied) isEvent()     {}
func (Synced) isEvent()      {}
func (Prepared) isEvent()    {}

// Outputs of PrimaryBackup besides Send.
type (
	// Execute asks the primary's replica to run Req; report Executed.
	Execute struct {
		Num uint64
		Req *wire.Request
	}
	// Prepare asks the primary's replica for the inputs Req needs, without
	// running it; report Prepared.
	Prepare struct{ Req *wire.Request }
	// Apply asks a backup's replica to run Req with its Inputs; report Applied.
	Apply struct {
		Num uint64
		Req *wire.Request
	}
	// SyncFrom asks the shell to load the primary's state: run a Transfer
	// whose sequencer and only peer is Primary, then step Synced.
	SyncFrom struct {
		View    uint64
		Primary Peer
	}
	// Checkpoint asks the primary's shell to snapshot the replica after
	// every Execute so far (state at update Upto), keep it with CacheBlob
	// under Upto for StateQuery/StateFetch, and then send Ack to To.
	Checkpoint struct {
		Upto uint64
		To   netip.AddrPort
		Ack  wire.Packet
		// Repeat: the backup asked again (same request id); resend Ack
		// if checkpoint Upto is ready, never snapshot again under Upto.
		Repeat bool
	}
)

func (Execute) isOutput()    {}
func (Apply) isOutput()      {}
func (SyncFrom) isOutput()   {}
func (Checkpoint) isOutput() {}
func (Prepare) isOutput()    {}

type pbEntry struct {
	req    wire.Request
	done   bool
	status uint32
	body   []byte
}

type pbBackup struct {
	Peer
	acked     uint64
	sent      uint64 // highest update sent (retransmissions restart at acked)
	ckptID    uint64 // request id of the backup's last checkpoint request
	ckptUpto  uint64
	synced    bool
	lastHeard time.Duration
	lastSent  time.Duration
}

// pbPrep is a request being prepared: its inputs are being obtained
// (inputs nil) or recorded by the backups listed in waiting.
type pbPrep struct {
	req      wire.Request
	inputs   []byte
	waiting  []uint32
	lastSent time.Duration
}

// maxRecorded bounds the inputs a backup keeps for requests it has not
// seen executed (a primary records at most one per request in flight).
const maxRecorded = 4096

type reqKey struct {
	fe uint32
	id uint64
}

type cached struct {
	status uint32
	body   []byte
}

// PrimaryBackup is one member of a passively replicated group, a pure
// state machine. The primary executes each request once, ships it with its
// non-deterministic inputs to the backups and replies only when every live
// backup acknowledged it; replies are cached by request id, so a retried
// request is answered, never run again. In view v the primary is member
// v mod n: a suspected primary is replaced by the next one in order.
type PrimaryBackup struct {
	cfg  PBConfig
	now  time.Duration
	view uint64

	// primary
	issued    uint64             // last update number handed to Execute
	base      uint64             // log holds updates base+1..issued
	log       []pbEntry          //
	shipped   uint64             // updates base+1..shipped are done and sent
	backups   []pbBackup         //
	flight    map[reqKey]uint64  // executing, not yet replied
	replied   uint64             // replies sent for updates <= replied
	preparing map[reqKey]*pbPrep // Prepare on: not yet executing

	// backup
	synced       bool
	applied      uint64 // last update handed to Apply
	appliedDone  uint64
	lastAck      time.Duration
	syncAsked    bool
	applying     map[uint64]reqKey // updates handed to Apply, by number
	orphans      map[uint64]reqKey // executing when this primary was demoted
	lastAnnounce time.Duration
	heard        map[uint32]time.Duration // last datagram from each member, across views
	// recorded holds inputs primaries had this member record, for requests
	// it has not seen executed: as primary it replays them (oldest first in
	// recordedOrder, which may also list keys deleted since).
	recorded      map[reqKey][]byte
	recordedOrder []reqKey

	// lastView is the view in which this member's state last changed:
	// (lastView, Position) ranks states, newest view first, because update
	// numbers of different views may name different updates.
	lastView uint64
	// A new primary recovers before it serves: it collects the other
	// members' ranks (their PBAck{lastView, position} reports) and pulls the
	// state of the most advanced one, so that updates a lagging member
	// missed (it was cut off longer than BackupTimeout) are not lost.
	recovering   bool
	recoverSince time.Duration
	ranks        map[uint32]rank
	waitFor      []uint32 // members whose reports a recovery waits for
	pulling      uint32   // member whose state is being pulled, 0 if none
	pullSince    time.Duration
	srcCkptID    uint64 // last checkpoint request served to a recovering primary

	cache      map[reqKey]cached
	cacheOrder []reqKey
	out        []Output
}

// rank orders member states: a later view first, then more updates.
type rank struct{ view, num uint64 }

func (r rank) after(o rank) bool { return r.view > o.view || r.view == o.view && r.num > o.num }

// NewPrimaryBackup starts in view 0, whose primary is Members[0]. Every
// member starts from the same (initial) state, so all are synced.
func NewPrimaryBackup(cfg PBConfig) *PrimaryBackup {
	if cfg.Retry <= 0 {
		cfg.Retry = 20 * time.Millisecond
	}
	if cfg.BackupTimeout <= 0 {
		cfg.BackupTimeout = 300 * time.Millisecond
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 1 << 16
	}
	p := &PrimaryBackup{cfg: cfg, flight: map[reqKey]uint64{}, cache: map[reqKey]cached{}, synced: true,
		applying: map[uint64]reqKey{}, orphans: map[uint64]reqKey{}, heard: map[uint32]time.Duration{},
		ranks: map[uint32]rank{}, preparing: map[reqKey]*pbPrep{}, recorded: map[reqKey][]byte{}}
	p.enter(0, true)
	return p
}

// View is the current view; Primary its primary.
func (p *PrimaryBackup) View() uint64 { return p.view }

// Primary is the primary of the current view.
func (p *PrimaryBackup) Primary() Peer { return p.cfg.Members[p.view%uint64(len(p.cfg.Members))] }

// IsPrimary reports whether this member is the primary.
func (p *PrimaryBackup) IsPrimary() bool { return p.Primary().ID == p.cfg.Self }

// Position is the last update this member's state reflects (issued on a
// primary, applied on a backup).
func (p *PrimaryBackup) Position() uint64 {
	if p.IsPrimary() {
		return p.issued
	}
	return p.applied
}

// enter moves to view v. initial: every member has the same state already.
func (p *PrimaryBackup) enter(v uint64, initial bool) {
	wasPrimary := p.IsPrimary()
	if wasPrimary {
		// The replica has run these requests whether or not they were
		// replied to: remember their replies, so that if this state serves
		// again (primary once more before it syncs) none runs twice.
		for i := range p.log {
			en := &p.log[i]
			k := reqKey{en.req.FE, en.req.ID}
			if en.done {
				p.remember(k, en.status, en.body)
			} else {
				p.orphans[p.base+uint64(i)+1] = k
			}
		}
		// Its replica ran every issued update: that is its position now.
		p.applied, p.appliedDone = p.issued, p.issued
	}
	p.view = v
	p.recovering, p.pulling = false, 0
	p.flight = map[reqKey]uint64{}
	clear(p.preparing) // the FE resends them to the new primary
	p.log = p.log[:0]
	p.backups = p.backups[:0]
	if p.IsPrimary() {
		// Continue numbering after this member's own state.
		if !initial && !wasPrimary {
			p.issued = p.appliedDone
		}
		p.base, p.shipped, p.replied = p.issued, p.issued, p.issued
		for _, m := range p.cfg.Members {
			if m.ID != p.cfg.Self {
				// A new primary's backups sync from its checkpoint first.
				p.backups = append(p.backups, pbBackup{Peer: m, synced: initial, acked: p.issued})
			}
		}
		if !initial {
			p.beginRecovery()
		}
		return
	}
	p.synced = initial
	p.syncAsked = false
	if !initial {
		p.out = append(p.out, SyncFrom{View: v, Primary: p.Primary()})
		p.syncAsked = true
		p.report()
	}
}

func (p *PrimaryBackup) lost() {
	// Nothing of the old state survives: neither its replies nor its updates.
	clear(p.cache)
	p.cacheOrder = nil
	clear(p.orphans)
	clear(p.applying)
	p.log = p.log[:0]
	p.issued, p.applied, p.appliedDone = 0, 0, 0
	p.lastView = 0 // the initial state ranks lowest
	if p.IsPrimary() {
		p.enter(p.view+1, false)
	} else {
		p.synced = false
		p.out = append(p.out, SyncFrom{View: p.view, Primary: p.Primary()})
	}
	p.lastAnnounce = -5 * p.cfg.Retry // tell everyone now
	p.tick()
}

// CanSync reports whether a snapshot fetched for view may still be loaded:
// the shell checks it before replacing the replica's state.
func (p *PrimaryBackup) CanSync(view uint64) bool {
	if p.IsPrimary() {
		return view == p.view && p.recovering && p.pulling != 0
	}
	return view == p.view && !p.synced
}

// Recovering reports whether this member is a new primary that does not
// serve yet: it is pulling the most advanced member's state.
func (p *PrimaryBackup) Recovering() bool { return p.recovering }

// Step applies one event.
func (p *PrimaryBackup) Step(ev Event) []Output {
	p.out = p.out[:0]
	switch e := ev.(type) {
	case Tick:
		p.now = max(p.now, e.Now)
		p.tick()
	case Recv:
		p.recv(e)
	case Executed:
		p.executed(e)
	case Prepared:
		p.prepared(e)
	case Applied:
		delete(p.recorded, p.applying[e.Num])
		p.remember(p.applying[e.Num], e.Status, e.Body)
		delete(p.applying, e.Num)
		p.appliedDone = max(p.appliedDone, e.Num)
		p.ack()
	case ReplicaLost:
		p.lost()
	case Synced:
		// The shell restores only while CanSync(e.View) holds.
		if !p.CanSync(e.View) {
			break
		}
		p.loadCache(e.Cache)
		clear(p.orphans)
		p.lastView = e.View
		if p.IsPrimary() {
			p.issued, p.applied, p.appliedDone = e.Upto, e.Upto, e.Upto
			p.endRecovery()
			break
		}
		p.synced, p.applied, p.appliedDone = true, e.Upto, e.Upto
		p.ack()
	}
	return p.out
}

func (p *PrimaryBackup) recv(e Recv) {
	if _, ok := p.heard[e.Pkt.Sender]; ok || p.member(e.Pkt.Sender) {
		p.heard[e.Pkt.Sender] = p.now
	}
	switch m := e.Pkt.Msg.(type) {
	case *wire.Request:
		p.request(e.From, m)
	case *wire.PrimaryQuery:
		if m.View > p.view {
			p.enter(m.View, false)
		}
		if m.Suspect != 0 && m.View == p.view && m.Suspect == p.Primary().ID {
			p.enter(p.view+1, false)
		}
		p.send(e.From, &wire.Primary{View: p.view, Primary: p.Primary().ID})
	case *wire.Primary:
		if m.View > p.view {
			p.enter(m.View, false)
		} else if m.View == p.view && m.Primary == 0 && e.Pkt.Sender == p.Primary().ID && !p.IsPrimary() && p.synced {
			// Primary 0: the primary no longer holds the updates we miss: sync anew.
			p.synced = false
			p.out = append(p.out, SyncFrom{View: p.view, Primary: p.Primary()})
		}
	case *wire.PBAck:
		if m.View > p.view {
			p.enter(m.View, false)
		}
		if p.recovering && m.View <= p.view && p.member(e.Pkt.Sender) && e.Pkt.Sender != p.cfg.Self {
			// An unsynced member's report: its state is update m.Applied
			// of view m.View.
			p.ranks[e.Pkt.Sender] = rank{m.View, m.Applied}
			p.decide(false)
			return
		}
		if m.View == p.view && p.IsPrimary() {
			if b := p.backup(e.Pkt.Sender); b != nil {
				b.lastHeard = p.now
				if b.synced && m.Applied >= b.ckptUpto {
					// The backup knows best what it has: a lower ack
					// than expected makes the primary resend.
					b.acked = m.Applied
				}
				p.progress()
			}
		} else if m.View < p.view {
			p.send(e.From, &wire.Primary{View: p.view, Primary: p.Primary().ID})
		}
	case *wire.PBInputs:
		p.recordInputs(e, m)
	case *wire.PBInputsAck:
		p.inputsAcked(e.Pkt.Sender, m)
	case *wire.PBUpdate:
		if m.View > p.view {
			p.enter(m.View, false)
		}
		if m.View < p.view || e.Pkt.Sender != p.Primary().ID {
			if m.View < p.view {
				p.send(e.From, &wire.Primary{View: p.view, Primary: p.Primary().ID})
			}
			return
		}
		if !p.synced || p.IsPrimary() {
			return
		}
		for i := range m.Requests {
			num := m.First + uint64(i)
			if num != p.applied+1 {
				continue // a gap: the primary resends from our ack
			}
			p.applied = num
			p.lastView = m.View
			q := m.Requests[i]
			p.applying[num] = reqKey{q.FE, q.ID}
			p.out = append(p.out, Apply{Num: num, Req: &q})
		}
		p.ack()
	}
}

func (p *PrimaryBackup) member(id uint32) bool {
	for _, m := range p.cfg.Members {
		if m.ID == id {
			return true
		}
	}
	return false
}

// live reports whether a backup was heard from recently (in any view, so a
// dead member does not hold up every new primary for a whole timeout).
func (p *PrimaryBackup) live(b *pbBackup) bool {
	return p.now-max(b.lastHeard, p.heard[b.ID]) <= p.cfg.BackupTimeout
}

func (p *PrimaryBackup) backup(id uint32) *pbBackup {
	for i := range p.backups {
		if p.backups[i].ID == id {
			return &p.backups[i]
		}
	}
	return nil
}

func (p *PrimaryBackup) request(from netip.AddrPort, q *wire.Request) {
	if q.IsControl() {
		if q.Operation == wire.OpCheckpoint && !p.IsPrimary() && q.FE == p.Primary().ID {
			// The recovering primary of our view pulls our state: every
			// update handed to the replica so far.
			ack := wire.Packet{Sender: p.cfg.Self, Msg: &wire.RequestAck{FE: q.FE, Acks: []wire.AckEntry{{ID: q.ID, Seq: p.applied}}}}
			p.out = append(p.out, Checkpoint{Upto: p.applied, To: from, Ack: ack, Repeat: q.ID == p.srcCkptID})
			p.srcCkptID = q.ID
			return
		}
		// A backup asks for a checkpoint to sync from.
		if q.Operation == wire.OpCheckpoint && p.IsPrimary() && !p.recovering {
			if b := p.backup(q.FE); b != nil {
				b.lastHeard = p.now
				if b.ckptID == q.ID {
					ack := wire.Packet{Sender: p.cfg.Self, Msg: &wire.RequestAck{FE: q.FE, Acks: []wire.AckEntry{{ID: q.ID, Seq: b.ckptUpto}}}}
					p.out = append(p.out, Checkpoint{Upto: b.ckptUpto, To: from, Ack: ack, Repeat: true})
					return
				}
				// The checkpoint covers every update issued so far.
				b.ckptID, b.ckptUpto = q.ID, p.issued
				b.synced = true
				b.acked, b.sent = p.issued, p.issued
				ack := wire.Packet{Sender: p.cfg.Self, Msg: &wire.RequestAck{FE: q.FE, Acks: []wire.AckEntry{{ID: q.ID, Seq: p.issued}}}}
				p.out = append(p.out, Checkpoint{Upto: p.issued, To: from, Ack: ack})
			}
		}
		return
	}
	if !p.IsPrimary() {
		// Only the primary answers, even from the cache: a backup's cached
		// reply may come from a state that a sync is about to discard.
		p.send(from, &wire.Primary{View: p.view, Primary: p.Primary().ID})
		return
	}
	if p.recovering {
		return // the FE retries once this primary holds the newest state
	}
	k := reqKey{q.FE, q.ID}
	if c, ok := p.cache[k]; ok {
		p.reply(q, 0, c.status, c.body)
		return
	}
	if _, ok := p.flight[k]; ok {
		return // still executing or waiting for backups
	}
	if !p.cfg.Prepare {
		p.issue(q)
		return
	}
	if _, ok := p.preparing[k]; ok {
		return // its inputs are being obtained or recorded
	}
	if in, ok := p.recorded[k]; ok {
		// A previous primary obtained its inputs and we recorded them.
		r := *q
		r.Inputs = in
		delete(p.recorded, k)
		p.issue(&r)
		return
	}
	pr := &pbPrep{req: *q}
	p.preparing[k] = pr
	p.out = append(p.out, Prepare{Req: &pr.req})
}

// issue hands q to the primary's replica as the next update.
func (p *PrimaryBackup) issue(q *wire.Request) {
	p.issued++
	p.lastView = p.view
	p.flight[reqKey{q.FE, q.ID}] = p.issued
	p.log = append(p.log, pbEntry{req: *q})
	// A copy: progress may compact the log before the shell reads outputs.
	r := *q
	p.out = append(p.out, Execute{Num: p.issued, Req: &r})
}

func (p *PrimaryBackup) executed(e Executed) {
	if k, ok := p.orphans[e.Num]; ok {
		delete(p.orphans, e.Num)
		p.remember(k, e.Status, e.Body)
		return
	}
	if !p.IsPrimary() || e.Num <= p.base || e.Num > p.issued {
		return
	}
	en := &p.log[e.Num-p.base-1]
	en.done, en.status, en.body = true, e.Status, e.Body
	en.req.Inputs = e.Inputs
	p.progress()
}

// progress ships newly executed updates and sends the replies that every
// live backup has acknowledged.
func (p *PrimaryBackup) progress() {
	for p.shipped < p.issued && p.log[p.shipped-p.base].done {
		p.shipped++
	}
	for i := range p.backups {
		b := &p.backups[i]
		if b.synced && max(b.sent, b.acked) < p.shipped {
			p.ship(b, false)
		}
	}
	stable := p.shipped
	for i := range p.backups {
		if b := &p.backups[i]; p.live(b) {
			stable = min(stable, b.acked)
		}
	}
	for ; p.replied < stable; p.replied++ {
		en := &p.log[p.replied-p.base]
		delete(p.flight, reqKey{en.req.FE, en.req.ID})
		p.remember(reqKey{en.req.FE, en.req.ID}, en.status, en.body)
		p.reply(&en.req, p.replied+1, en.status, en.body)
	}
	// Forget what every member has; a backup further behind re-syncs.
	low := p.replied
	for i := range p.backups {
		if b := &p.backups[i]; b.synced && p.live(b) {
			low = min(low, b.acked)
		}
	}
	if n := int(low - p.base); n > 0 {
		p.log = append(p.log[:0], p.log[n:]...)
		p.base = low
	}
}

// ship sends b the updates it has not been sent (retransmit: not
// acknowledged), up to 16 a datagram.
func (p *PrimaryBackup) ship(b *pbBackup, retransmit bool) {
	from := max(b.acked, b.sent) + 1
	if retransmit {
		from = b.acked + 1
	}
	if b.acked < p.base {
		// The log no longer holds what it needs: it must sync anew.
		b.synced = false
		p.send(b.Addr, &wire.Primary{View: p.view, Primary: 0})
		return
	}
	b.lastSent = p.now
	for from <= p.shipped {
		u := &wire.PBUpdate{View: p.view, First: from}
		size := 0
		for n := from; n <= p.shipped && len(u.Requests) < 16 && size < wire.MaxPayload/2; n++ {
			q := p.log[n-p.base-1].req
			u.Requests = append(u.Requests, q)
			size += wire.SequencedEntrySize(&q)
		}
		fl := wire.Flags(0)
		if retransmit {
			fl = wire.FlagRetransmit
		}
		p.out = append(p.out, Send{To: b.Addr, Pkt: wire.Packet{Sender: p.cfg.Self, Flags: fl, Msg: u}})
		from += uint64(len(u.Requests))
		b.sent = max(b.sent, from-1)
		if retransmit {
			return // one datagram a round is enough to unblock
		}
	}
}

// prepared: the primary has the inputs of a request. None needed: execute
// it; otherwise every live backup records them first.
func (p *PrimaryBackup) prepared(e Prepared) {
	k := reqKey{e.FE, e.ID}
	pr, ok := p.preparing[k]
	if !ok || pr.inputs != nil || !p.IsPrimary() {
		return // a stale answer (view changed) or a duplicate
	}
	pr.inputs = e.Inputs
	if len(e.Inputs) == 0 || len(e.Inputs) > wire.MaxInputs {
		// Nothing to record, or too much for a datagram: the inputs
		// travel with the update only.
		p.issuePrepared(k, pr)
		return
	}
	for i := range p.backups {
		if b := &p.backups[i]; p.live(b) {
			pr.waiting = append(pr.waiting, b.ID)
		}
	}
	p.sendInputs(pr)
	p.issuePrepared(k, pr)
}

func (p *PrimaryBackup) sendInputs(pr *pbPrep) {
	pr.lastSent = p.now
	for _, id := range pr.waiting {
		if b := p.backup(id); b != nil {
			p.send(b.Addr, &wire.PBInputs{View: p.view, FE: pr.req.FE, ID: pr.req.ID, Inputs: pr.inputs})
		}
	}
}

// issuePrepared executes a prepared request once no live backup still has
// to record its inputs.
func (p *PrimaryBackup) issuePrepared(k reqKey, pr *pbPrep) {
	pr.waiting = slices.DeleteFunc(pr.waiting, func(id uint32) bool {
		b := p.backup(id)
		return b == nil || !p.live(b)
	})
	if len(pr.waiting) > 0 {
		return
	}
	delete(p.preparing, k)
	q := pr.req
	q.Inputs = pr.inputs
	p.issue(&q)
}

// recordInputs: a backup keeps its primary's inputs for a request.
func (p *PrimaryBackup) recordInputs(e Recv, m *wire.PBInputs) {
	if m.View > p.view {
		p.enter(m.View, false)
	}
	if m.View < p.view {
		p.send(e.From, &wire.Primary{View: p.view, Primary: p.Primary().ID})
		return
	}
	if e.Pkt.Sender != p.Primary().ID || p.IsPrimary() {
		return
	}
	k := reqKey{m.FE, m.ID}
	if _, ok := p.recorded[k]; !ok {
		for len(p.recorded) >= maxRecorded && len(p.recordedOrder) > 0 {
			delete(p.recorded, p.recordedOrder[0])
			p.recordedOrder = p.recordedOrder[1:]
		}
		if len(p.recordedOrder) >= 2*maxRecorded {
			// Drop the keys deleted since (applied or replayed).
			p.recordedOrder = slices.DeleteFunc(p.recordedOrder, func(k reqKey) bool { _, ok := p.recorded[k]; return !ok })
		}
		p.recordedOrder = append(p.recordedOrder, k)
	}
	p.recorded[k] = m.Inputs
	p.send(e.From, &wire.PBInputsAck{View: p.view, FE: m.FE, ID: m.ID})
}

func (p *PrimaryBackup) inputsAcked(from uint32, m *wire.PBInputsAck) {
	if m.View != p.view || !p.IsPrimary() {
		return
	}
	b := p.backup(from)
	if b == nil {
		return
	}
	b.lastHeard = p.now
	k := reqKey{m.FE, m.ID}
	if pr, ok := p.preparing[k]; ok && pr.inputs != nil {
		pr.waiting = slices.DeleteFunc(pr.waiting, func(id uint32) bool { return id == from })
		p.issuePrepared(k, pr)
	}
}

// prepTick resends unrecorded inputs and stops waiting for backups that
// timed out, in a fixed order (requests by key) so runs replay exactly.
func (p *PrimaryBackup) prepTick() {
	if len(p.preparing) == 0 {
		return
	}
	keys := slices.SortedFunc(maps.Keys(p.preparing), func(a, b reqKey) int {
		return cmp.Or(cmp.Compare(a.fe, b.fe), cmp.Compare(a.id, b.id))
	})
	for _, k := range keys {
		pr := p.preparing[k]
		if pr.inputs == nil {
			continue
		}
		p.issuePrepared(k, pr)
		if _, ok := p.preparing[k]; ok && p.now-pr.lastSent >= p.cfg.Retry {
			p.sendInputs(pr)
		}
	}
}

func (p *PrimaryBackup) tick() {
	if p.now-p.lastAnnounce >= 5*p.cfg.Retry {
		// Every member tells the others its view, so that a primary that
		// was replaced learns it and stops answering before it would give
		// up waiting for its backups.
		p.lastAnnounce = p.now
		for _, m := range p.cfg.Members {
			if m.ID != p.cfg.Self {
				p.send(m.Addr, &wire.Primary{View: p.view, Primary: p.Primary().ID})
			}
		}
	}
	if p.recovering {
		p.recoveryTick()
		return
	}
	if p.IsPrimary() {
		p.prepTick()
		for i := range p.backups {
			b := &p.backups[i]
			if b.synced && b.acked < p.shipped && p.now-b.lastSent >= p.cfg.Retry {
				p.ship(b, true)
			}
		}
		p.progress() // a backup timing out may release replies
		return
	}
	if p.synced && p.now-p.lastAck >= p.cfg.Retry {
		p.ack()
	} else if !p.synced && p.now-p.lastAck >= p.cfg.Retry {
		p.report()
	}
}

// ack reports progress to the primary (also a keep-alive).
func (p *PrimaryBackup) ack() {
	if p.IsPrimary() || !p.synced {
		return
	}
	p.lastAck = p.now
	p.send(p.Primary().Addr, &wire.PBAck{View: p.view, Applied: p.appliedDone})
}

func (p *PrimaryBackup) reply(q *wire.Request, num uint64, status uint32, body []byte) {
	if q.ReplyTo.IsValid() {
		p.send(q.ReplyTo, &wire.Reply{Seq: num, ID: q.ID, Replica: p.cfg.Self, Status: status, Body: body})
	}
}

func (p *PrimaryBackup) remember(k reqKey, status uint32, body []byte) {
	if k == (reqKey{}) {
		return
	}
	if _, ok := p.cache[k]; !ok {
		if len(p.cacheOrder) >= p.cfg.CacheSize {
			delete(p.cache, p.cacheOrder[0])
			p.cacheOrder = p.cacheOrder[1:]
		}
		p.cacheOrder = append(p.cacheOrder, k)
	}
	p.cache[k] = cached{status, body}
}

// CacheBlob encodes the replies a checkpoint at update upto must carry:
// the reply cache plus the executed updates <= upto not replied yet (a
// backup that syncs has their effects, so it must never run them again).
// Layout: count(4) then fe(4) id(8) status(4) body(bytes32) per reply.
func (p *PrimaryBackup) CacheBlob(upto uint64) []byte {
	type kv struct {
		k reqKey
		c cached
	}
	all := make([]kv, 0, len(p.cacheOrder))
	for _, k := range p.cacheOrder {
		all = append(all, kv{k, p.cache[k]})
	}
	for i := range p.log {
		en := &p.log[i]
		k := reqKey{en.req.FE, en.req.ID}
		if _, ok := p.cache[k]; !ok && en.done && p.base+uint64(i)+1 <= upto {
			all = append(all, kv{k, cached{en.status, en.body}})
		}
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(len(all)))
	for _, e := range all {
		b = binary.BigEndian.AppendUint32(b, e.k.fe)
		b = binary.BigEndian.AppendUint64(b, e.k.id)
		b = binary.BigEndian.AppendUint32(b, e.c.status)
		b = appendB32(b, e.c.body)
	}
	return b
}

func (p *PrimaryBackup) loadCache(b []byte) {
	c := &cursor{b: b}
	n := int(c.u32())
	p.cache, p.cacheOrder = map[reqKey]cached{}, nil
	for i := 0; i < n && c.err == nil; i++ {
		fe := c.u32()
		var id uint64
		if v := c.take(8); v != nil {
			id = binary.BigEndian.Uint64(v)
		}
		st := c.u32()
		body := c.b32()
		if c.err == nil {
			p.remember(reqKey{fe, id}, st, body)
		}
	}
}

// ValidCacheBlob checks a cache blob before it is loaded.
func ValidCacheBlob(b []byte) error {
	c := &cursor{b: b}
	n := int(c.u32())
	if n > len(b)/20 {
		return errors.New("reply cache: count exceeds size")
	}
	for i := 0; i < n && c.err == nil; i++ {
		c.take(16)
		c.b32()
	}
	if c.err == nil && len(c.b) != 0 {
		return errors.New("reply cache: trailing bytes")
	}
	return c.err
}

func (p *PrimaryBackup) send(to netip.AddrPort, m wire.Msg) {
	p.out = append(p.out, Send{To: to, Pkt: wire.Packet{Sender: p.cfg.Self, Msg: m}})
}
