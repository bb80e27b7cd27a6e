package rm

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"

	"concord/internal/wire"
	"concord/replicas/fault"
)

// FaultCtlStats counts the fault-control commands an RM received.
type FaultCtlStats struct {
	Applied    uint64 // modes set on the replica
	Failed     uint64 // commands answered with an error (bad mode, no replica)
	Refused    uint64 // authenticated datagrams from a sender not allowed to steer faults
	Duplicates uint64 // retries of a command already applied or in progress
}

// ctlVerdict says what to do with a received FaultCtl.
type ctlVerdict int

const (
	ctlApply   ctlVerdict = iota // new command: apply it
	ctlResend                    // already answered: send the same answer again
	ctlPending                   // still being applied: the answer will follow
	ctlRefuse                    // sender not allowed: drop
)

// maxCtlRemembered bounds the answered commands kept for deduplication.
const maxCtlRemembered = 64

type ctlKey struct {
	sender uint32
	id     uint64
}

// faultCtl is the bookkeeping behind fault control, kept apart from the
// replica process so that it is a plain value to test: who may send, and
// which commands (sender, id) were seen, so that a retried "crash" is
// answered again rather than applied to the replica's fresh successor.
type faultCtl struct {
	allowed []uint32                     // besides wire.OperatorID
	answers map[ctlKey]*wire.FaultCtlAck // nil value: in progress
	order   []ctlKey                     // oldest first, for eviction
	stats   FaultCtlStats
}

func (f *faultCtl) allows(sender uint32) bool {
	if sender == wire.OperatorID {
		return true
	}
	for _, a := range f.allowed {
		if a == sender {
			return true
		}
	}
	return false
}

// admit classifies a command; for ctlResend it returns the earlier answer.
// ctlApply records the command as in progress: finish must follow.
func (f *faultCtl) admit(sender uint32, id uint64) (ctlVerdict, *wire.FaultCtlAck) {
	if !f.allows(sender) {
		f.stats.Refused++
		return ctlRefuse, nil
	}
	k := ctlKey{sender, id}
	if a, seen := f.answers[k]; seen {
		f.stats.Duplicates++
		if a == nil {
			return ctlPending, nil
		}
		return ctlResend, a
	}
	if f.answers == nil {
		f.answers = map[ctlKey]*wire.FaultCtlAck{}
	}
	if len(f.order) >= maxCtlRemembered {
		delete(f.answers, f.order[0])
		f.order = f.order[1:]
	}
	f.answers[k] = nil
	f.order = append(f.order, k)
	return ctlApply, nil
}

// finish records the answer to an admitted command. A failure caused by a
// passing condition (no replica process yet) is forgotten, so a retry of
// the same command is applied afresh.
func (f *faultCtl) finish(sender uint32, a wire.FaultCtlAck, retryable bool) {
	k := ctlKey{sender, a.ID}
	if a.OK {
		f.stats.Applied++
	} else {
		f.stats.Failed++
	}
	if _, ok := f.answers[k]; !ok {
		return // evicted meanwhile
	}
	if retryable {
		delete(f.answers, k)
		for i, o := range f.order {
			if o == k {
				f.order = append(f.order[:i], f.order[i+1:]...)
				break
			}
		}
		return
	}
	f.answers[k] = &a
}

// ctlShell is what handling a command needs from an RM host (Node or PBNode).
type ctlShell struct {
	self uint32
	mu   *sync.Mutex // the host's lock, held by the caller of handle
	conn *wire.Conn
	log  *slog.Logger
}

// handle acts on a FaultCtl received from `from`; the caller holds sh.mu.
// The mode is set outside the lock, since the replica answers it only after
// the requests queued before it (a slow replica takes its time).
func (f *faultCtl) handle(sh ctlShell, from netip.AddrPort, sender uint32, m *wire.FaultCtl, p *Proc) {
	reply := func(a wire.FaultCtlAck) {
		if err := sh.conn.Send(from, wire.Packet{Sender: sh.self, Msg: &a}); err != nil {
			sh.log.Error("rm send", "err", err)
		}
	}
	v, prev := f.admit(sender, m.ID)
	switch v {
	case ctlRefuse:
		sh.log.Warn("fault control from a sender not allowed: dropped", "sender", sender, "from", from)
		return
	case ctlPending:
		return
	case ctlResend:
		reply(*prev)
		return
	}
	ack := wire.FaultCtlAck{ID: m.ID, Replica: sh.self}
	mode, err := fault.Parse(m.Mode)
	if err != nil {
		ack.Text = err.Error()
		f.finish(sender, ack, false)
		reply(ack)
		return
	}
	if p == nil {
		ack.Text = "replica process is restarting; try again"
		f.finish(sender, ack, true)
		reply(ack)
		return
	}
	go func() {
		err := p.SetFault(mode.String())
		sh.mu.Lock()
		if err != nil {
			ack.Text = fmt.Sprintf("replica pid %d: %v", p.Pid(), err)
		} else {
			ack.OK = true
			ack.Text = fmt.Sprintf("replica pid %d now %s", p.Pid(), mode)
			sh.log.Warn("replica fault mode set at run time", "sender", sender, "pid", p.Pid(), "mode", mode.String())
		}
		f.finish(sender, ack, err != nil)
		reply(ack)
		sh.mu.Unlock()
		sh.conn.Flush()
	}()
}

// faultCtl handles a FaultCtl datagram; the caller holds n.mu.
func (n *Node) faultCtl(e wire.In, m *wire.FaultCtl) {
	n.fc.allowed = n.cfg.Operators
	n.fc.handle(ctlShell{self: n.cfg.ID, mu: &n.mu, conn: n.conn, log: n.log}, e.From, e.Pkt.Sender, m, n.proc)
}

// faultCtl handles a FaultCtl datagram; the caller holds n.mu.
func (n *PBNode) faultCtl(e wire.In, m *wire.FaultCtl) {
	n.fc.allowed = n.cfg.Operators
	n.fc.handle(ctlShell{self: n.cfg.ID, mu: &n.mu, conn: n.conn, log: n.log}, e.From, e.Pkt.Sender, m, n.proc)
}
