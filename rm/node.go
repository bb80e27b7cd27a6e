package rm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync/atomic"
	"time"

	"concord/internal/wire"
	"concord/replicas"
)

// NodeConfig configures a replica manager host.
type NodeConfig struct {
	ID uint32
	// Conn is the RM's socket; if nil, NewNode opens Addr with ConnConfig.
	Conn        *wire.Conn
	Addr        string
	ConnConfig  wire.ConnConfig
	Sequencer   netip.AddrPort
	SequencerID uint32
	Peers       []Peer // the other RMs of the group
	F           int    // faulty replicas tolerated: a transfer needs F+1 matching digests

	// ReplicaCmd starts the replica process (e.g. concord replica --service dems).
	ReplicaCmd    []string
	ReplicaEnv    []string
	ReplicaStderr io.Writer

	Delivery Config        // hold-back queue timings (ID/Sequencer are filled in)
	Retry    time.Duration // state-transfer resend interval (default 20ms)
	Tick     time.Duration // logical clock resolution (default 1ms)
	// WrongLimit: consecutive wrong results before a replica is replaced (default 3).
	WrongLimit int
	Logger     *slog.Logger
	// Operators may set the replica's fault mode at run time, besides
	// wire.OperatorID (e.g. the FE's id); see faultctl.go.
	Operators []uint32
}

// NodeStatus is what an RM reports about itself.
type NodeStatus struct {
	ID           uint32
	Delivered    uint64 // highest sequence number delivered to the replica
	Transferring bool
	Pid          int
	Restarts     uint64 // replica processes started after the first
	Replacements uint64 // replacement verdicts reached (for any replica)
	Transfers    uint64 // state transfers completed
	Wrong        map[uint32]int
	Delivery     Stats
	Conn         wire.ConnStats
	FaultCtl     FaultCtlStats
}

type checkpoint struct {
	seq    uint64
	snap   []byte
	digest [32]byte
}

// Node is one replica manager: the UDP shell around Delivery and Transfer,
// the replica process and the fault verdicts.
type Node struct {
	shell
	cfg NodeConfig

	// guarded by mu
	d            *Delivery
	tr           *Transfer
	wrong        map[uint32]int
	lastWrong    map[uint32]uint64         // highest request seq counted as wrong, per replica
	relay        map[uint64]*wire.Request  // fault reports being sequenced, by request id
	relayed      map[wire.FaultReport]bool // reports already relayed (FEs send to every RM)
	lastRelay    time.Duration
	restarts     uint64
	replacements uint64
	transfers    uint64
	nextReqID    uint64
	checking     atomic.Bool   // a suspected replica is being probed
	lastStart    time.Duration // last restart attempt, to pace retries
	fc           faultCtl      // run-time fault mode commands
}

// NewNode binds the socket and starts the replica process.
func NewNode(cfg NodeConfig) (*Node, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Millisecond
	}
	if cfg.WrongLimit <= 0 {
		cfg.WrongLimit = 3
	}
	if len(cfg.ReplicaCmd) == 0 {
		return nil, errors.New("rm: no replica command")
	}
	c := cfg.Conn
	if c == nil {
		var err error
		if c, err = wire.Listen(cfg.Addr, cfg.ConnConfig); err != nil {
			return nil, err
		}
	}
	dc := cfg.Delivery
	dc.ID, dc.SequencerID, dc.Sequencer = cfg.ID, cfg.SequencerID, cfg.Sequencer
	n := &Node{
		cfg: cfg,
		d:   New(dc),
		tr: NewTransfer(TransferConfig{Self: cfg.ID, Sequencer: cfg.Sequencer, SequencerID: cfg.SequencerID,
			Peers: cfg.Peers, Quorum: cfg.F + 1, Retry: cfg.Retry}),
		wrong:     map[uint32]int{},
		lastWrong: map[uint32]uint64{},
		relay:     map[uint64]*wire.Request{},
		relayed:   map[wire.FaultReport]bool{},
		nextReqID: uint64(time.Now().UnixNano()), // increasing across RM restarts
	}
	n.init(cfg.ID, c, cfg.Logger, replicaSpawn{cfg.ReplicaCmd, cfg.ReplicaEnv, cfg.ReplicaStderr}, cfg.Peers)
	n.replicaDied = n.restartReplicaLocked
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.startProcLocked(); err != nil {
		c.Close()
		return nil, err
	}
	return n, nil
}

// restartReplicaLocked turns a replica process death into a restart with
// state transfer.
func (n *Node) restartReplicaLocked(p *Proc) {
	n.log.Warn("replica process died; restarting with state transfer", "pid", p.Pid())
	n.recoverLocked(true, 0)
}

// recoverLocked suspends delivery, optionally starts a fresh replica
// process, and fetches a correct state: the checkpoint at seq, or a new one
// if seq is 0.
func (n *Node) recoverLocked(restart bool, seq uint64) {
	n.emit(n.d.Step(Suspend{}))
	if restart {
		old := n.proc
		n.proc = nil
		if old != nil {
			go old.Kill()
		}
		if err := n.startProcLocked(); err != nil {
			n.log.Error("restart replica", "err", err)
			// watch is not running: retry from the ticker.
		}
		n.restarts++
	}
	n.wrong[n.cfg.ID] = 0
	id := uint64(0)
	if seq == 0 {
		n.nextReqID++
		id = n.nextReqID
	}
	n.emit(n.tr.Start(n.now(), seq, id))
	n.conn.Flush()
}

// Run serves until ctx is done or Close is called.
func (n *Node) Run(ctx context.Context) error {
	return n.serve(ctx, n.Close, n.cfg.Tick, n.tick, n.recv)
}

func (n *Node) recv(e wire.In) {
	if n.serveState(e) {
		return
	}
	switch m := e.Pkt.Msg.(type) {
	case *wire.RequestAck:
		if e.Pkt.Sender == n.cfg.SequencerID && m.FE == n.cfg.ID {
			for _, a := range m.Acks {
				delete(n.relay, a.ID)
			}
		}
		n.emit(n.tr.Step(Recv{From: e.From, Pkt: e.Pkt}))
	case *wire.StateOffer, *wire.StateChunk:
		n.emit(n.tr.Step(Recv{From: e.From, Pkt: e.Pkt}))
	case *wire.FaultCtl:
		n.faultCtl(e, m)
	default:
		n.emit(n.d.Step(Recv{From: e.From, Pkt: e.Pkt}))
	}
}

// tick runs every cfg.Tick with mu held.
func (n *Node) tick(now time.Duration) {
	n.emit(n.d.Step(Tick{Now: now}))
	n.emit(n.tr.Step(Tick{Now: now}))
	n.resendRelays(now)
	if n.proc == nil && !n.closed && now-n.lastStart >= 100*time.Millisecond {
		n.lastStart = now
		if err := n.startProcLocked(); err != nil {
			n.log.Error("restart replica", "err", err)
		}
	}
}

// emit carries out state machine outputs; the caller holds mu.
func (n *Node) emit(outs []Output) {
	for _, o := range outs {
		switch o := o.(type) {
		case Send:
			if err := n.conn.Send(o.To, o.Pkt); err != nil {
				n.log.Error("rm send", "err", err)
			}
		case Deliver:
			n.deliver(o.Seq, o.Req)
		case NeedState:
			n.log.Info("behind the sequencer's buffer; state transfer", "next", o.Next, "low", o.Low)
			n.recoverLocked(false, 0)
		case Fault:
			n.fault(o.Report)
		case Loaded:
			go n.load(o)
		}
	}
}

// load restores a transferred snapshot (outside mu: it waits for the replica).
func (n *Node) load(l Loaded) {
	n.mu.Lock()
	p := n.proc
	n.mu.Unlock()
	err := errors.New("no replica process")
	if p != nil {
		err = p.Restore(l.Snapshot)
		if err == nil {
			var d [32]byte
			if d, err = p.Digest(); err == nil && d != l.Digest {
				err = fmt.Errorf("restored digest %x, want %x", d[:4], l.Digest[:4])
			}
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	if err != nil {
		n.log.Error("state transfer", "seq", l.Seq, "err", err)
		n.emit(n.tr.Reject(n.now()))
		return
	}
	n.transfers++
	n.log.Info("state transfer done", "seq", l.Seq, "bytes", len(l.Snapshot))
	n.emit(n.d.Step(Restored{Seq: l.Seq}))
	if n.proc != nil {
		n.proc.Flush()
	}
	n.conn.Flush()
}

func (n *Node) deliver(seq uint64, q *wire.Request) {
	if q.IsControl() {
		n.control(seq, q)
		return
	}
	p := n.proc
	if p == nil {
		return
	}
	to, id, me := q.ReplyTo, q.ID, n.cfg.ID
	p.Execute(&replicas.Request{Operation: q.Operation, Args: q.Args, Inputs: q.Inputs, Enc: replicas.Encoding(q.Enc)},
		func(r replicas.Reply, err error) {
			if err != nil || !to.IsValid() {
				return // a dead replica answers nothing: the FE reports it missing
			}
			_ = n.conn.Send(to, wire.Packet{Sender: me, Msg: &wire.Reply{Seq: seq, ID: id, Replica: me, Status: uint32(r.Status), Body: r.Body}})
		})
}

// fault handles an FE's report sent straight to the RMs. Only the RM of the
// replica concerned acts: it checks a replica suspected of a crash itself,
// and relays a wrong-result report through the sequencer, so that every RM
// counts it at the same position of the total order.
func (n *Node) fault(f wire.FaultReport) {
	if f.Replica != n.cfg.ID {
		return
	}
	if f.Kind == wire.FaultMissing {
		go n.check(n.proc)
		return
	}
	if n.relayed[f] {
		return
	}
	if len(n.relayed) > 4096 {
		clear(n.relayed) // bounded; a late duplicate is also dropped by lastWrong
	}
	n.relayed[f] = true
	n.nextReqID++
	q := wire.FaultRequest(n.cfg.ID, n.nextReqID, f)
	n.relay[q.ID] = q
	n.send(n.cfg.Sequencer, q)
}

// resendRelays retransmits unacknowledged relayed reports; the caller holds mu.
func (n *Node) resendRelays(now time.Duration) {
	if len(n.relay) == 0 || now-n.lastRelay < 20*time.Millisecond {
		return
	}
	n.lastRelay = now
	for _, q := range n.relay {
		if err := n.conn.Send(n.cfg.Sequencer, wire.Packet{Sender: n.cfg.ID, Flags: wire.FlagRetransmit, Msg: q}); err != nil {
			n.log.Error("rm send", "err", err)
		}
	}
}

// control acts on a sequenced control request. Every RM sees these in the
// same order, so they all reach the same verdicts.
func (n *Node) control(seq uint64, q *wire.Request) {
	switch q.Operation {
	case wire.OpCheckpoint:
		n.takeCheckpoint(seq)
	case wire.OpFault:
		f, err := wire.ParseFault(q.Args)
		if err != nil {
			n.log.Warn("bad fault report", "seq", seq, "err", err)
			return
		}
		switch f.Kind {
		case wire.FaultCleared:
			n.wrong[f.Replica] = 0
		case wire.FaultWrong:
			if f.Seq <= n.lastWrong[f.Replica] {
				return // the same wrong answer reported twice
			}
			n.lastWrong[f.Replica] = f.Seq
			n.wrong[f.Replica]++
			if n.wrong[f.Replica] < n.cfg.WrongLimit {
				return
			}
			n.wrong[f.Replica] = 0
			n.replacements++
			n.log.Warn("replica gave wrong results: replaced", "replica", f.Replica, "seq", seq)
			n.takeCheckpoint(seq)
			if f.Replica == n.cfg.ID {
				n.recoverLocked(true, seq)
			}
		case wire.FaultMissing:
			if f.Replica == n.cfg.ID {
				go n.check(n.proc)
			}
		}
	}
}

// check probes a replica suspected of a crash; one that does not answer
// within a second is killed, and watch restarts it.
func (n *Node) check(p *Proc) {
	if p == nil || !n.checking.CompareAndSwap(false, true) {
		return // one probe at a time, however many reports arrive
	}
	defer n.checking.Store(false)
	done := make(chan error, 1)
	go func() { _, err := p.Digest(); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			return
		}
	case <-time.After(time.Second):
	}
	n.log.Warn("suspected replica does not answer: killing it", "pid", p.Pid())
	p.Kill()
}

// takeCheckpoint keeps the replica's state at seq (queued after every
// request delivered so far, so it is exactly the state at seq).
func (n *Node) takeCheckpoint(seq uint64) {
	if n.proc == nil || n.d.Transferring() {
		return
	}
	if len(n.checkpoints) >= 4 {
		n.checkpoints = append(n.checkpoints[:0], n.checkpoints[1:]...)
	}
	n.checkpoints = append(n.checkpoints, checkpoint{seq: seq})
	n.proc.Snapshot(func(b []byte, err error) {
		if err != nil {
			return
		}
		// Not on this goroutine: the replica's reader must never wait for
		// mu, whose holder may be blocked writing to the replica.
		go func() {
			d, _ := snapshotDigest(b)
			n.mu.Lock()
			defer n.mu.Unlock()
			for i := range n.checkpoints {
				if n.checkpoints[i].seq == seq {
					n.checkpoints[i].snap, n.checkpoints[i].digest = b, d
				}
			}
		}()
	})
}

// Status reports the RM's state.
func (n *Node) Status() NodeStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := NodeStatus{ID: n.cfg.ID, Delivered: n.d.Next() - 1, Transferring: n.d.Transferring(),
		Restarts: n.restarts, Replacements: n.replacements, Transfers: n.transfers,
		Wrong: map[uint32]int{}, Delivery: n.d.Stats(), Conn: n.conn.Stats(), FaultCtl: n.fc.stats}
	for k, v := range n.wrong {
		s.Wrong[k] = v
	}
	s.Pid = n.pidLocked()
	return s
}

// Close stops the RM and its replica process.
func (n *Node) Close() error { return n.shutdown(nil) }
