package rm

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"time"

	"concord/internal/wire"
	"concord/replicas"
)

// PBNodeConfig configures the host of a passively replicated replica.
type PBNodeConfig struct {
	ID         uint32
	Conn       *wire.Conn // if nil, Addr is opened with ConnConfig
	Addr       string
	ConnConfig wire.ConnConfig
	Members    []Peer // the group in takeover order, this RM included

	ReplicaCmd    []string
	ReplicaEnv    []string
	ReplicaStderr io.Writer

	Retry         time.Duration // resend interval (default 20ms)
	BackupTimeout time.Duration // see PBConfig (default 300ms)
	Tick          time.Duration // clock resolution (default 1ms)
	Logger        *slog.Logger
	// Operators may set the replica's fault mode at run time, besides
	// wire.OperatorID (e.g. the FE's id); see faultctl.go.
	Operators []uint32
}

// PBStatus is what a primary-backup RM reports about itself.
type PBStatus struct {
	ID       uint32
	View     uint64
	Primary  bool
	Position uint64
	Pid      int
	Restarts uint64
	Syncs    uint64
	Conn     wire.ConnStats
	FaultCtl FaultCtlStats
}

// PBNode is the UDP and process shell around PrimaryBackup.
type PBNode struct {
	shell
	cfg PBNodeConfig
	q   *eventQueue

	// guarded by mu
	pb        *PrimaryBackup
	tr        *Transfer
	syncView  uint64
	nextReqID uint64
	restarts  uint64
	syncs     uint64
	fc        faultCtl // run-time fault mode commands
}

// NewPBNode binds the socket and starts the replica process.
func NewPBNode(cfg PBNodeConfig) (*PBNode, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Millisecond
	}
	if cfg.Retry <= 0 {
		cfg.Retry = 20 * time.Millisecond
	}
	if len(cfg.ReplicaCmd) == 0 {
		return nil, errors.New("rm: no replica command")
	}
	self := false
	for _, m := range cfg.Members {
		self = self || m.ID == cfg.ID
	}
	if !self {
		return nil, errors.New("rm: this RM is not among the group's members")
	}
	c := cfg.Conn
	if c == nil {
		var err error
		if c, err = wire.Listen(cfg.Addr, cfg.ConnConfig); err != nil {
			return nil, err
		}
	}
	n := &PBNode{
		cfg:       cfg,
		q:         newEventQueue(),
		pb:        NewPrimaryBackup(PBConfig{Self: cfg.ID, Members: cfg.Members, Retry: cfg.Retry, BackupTimeout: cfg.BackupTimeout, Prepare: true}),
		nextReqID: uint64(time.Now().UnixNano()),
	}
	n.init(cfg.ID, c, cfg.Logger, replicaSpawn{cfg.ReplicaCmd, cfg.ReplicaEnv, cfg.ReplicaStderr}, cfg.Members)
	n.replicaDied = n.restartReplicaLocked
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.startProcLocked(); err != nil {
		c.Close()
		n.q.close()
		return nil, err
	}
	return n, nil
}

// restartReplicaLocked replaces a dead replica process; the state machine
// then brings the fresh one up to date.
func (n *PBNode) restartReplicaLocked(p *Proc) {
	n.log.Warn("replica process died; restarting", "pid", p.Pid(), "was_primary", n.pb.IsPrimary())
	n.proc = nil
	if err := n.startProcLocked(); err != nil {
		n.log.Error("restart replica", "err", err)
	}
	n.restarts++
	n.emit(n.pb.Step(ReplicaLost{}))
	n.conn.Flush()
}

// Run serves until ctx is done or Close is called.
func (n *PBNode) Run(ctx context.Context) error {
	return n.serve(ctx, n.Close, n.cfg.Tick, n.tick, n.recv)
}

func (n *PBNode) recv(e wire.In) {
	if n.serveState(e) {
		return
	}
	switch m := e.Pkt.Msg.(type) {
	case *wire.RequestAck, *wire.StateOffer, *wire.StateChunk:
		if n.tr != nil {
			n.emit(n.tr.Step(Recv{From: e.From, Pkt: e.Pkt}))
		}
	case *wire.FaultCtl:
		n.faultCtl(e, m)
	default:
		n.emit(n.pb.Step(Recv{From: e.From, Pkt: e.Pkt}))
	}
}

// tick runs every cfg.Tick with mu held.
func (n *PBNode) tick(now time.Duration) {
	n.emit(n.pb.Step(Tick{Now: now}))
	if n.tr != nil {
		n.emit(n.tr.Step(Tick{Now: now}))
	}
}

// step feeds an event from the replica's callbacks (on the event queue).
func (n *PBNode) step(ev Event) {
	n.mu.Lock()
	if !n.closed {
		n.emit(n.pb.Step(ev))
	}
	p := n.proc
	n.mu.Unlock()
	if p != nil {
		p.Flush()
	}
	n.conn.Flush()
}

// emit carries out outputs; the caller holds mu.
func (n *PBNode) emit(outs []Output) {
	for _, o := range outs {
		switch o := o.(type) {
		case Send:
			if err := n.conn.Send(o.To, o.Pkt); err != nil {
				n.log.Error("rm send", "err", err)
			}
		case Execute:
			n.execute(o.Req, func(r replicas.Reply) Event {
				return Executed{Num: o.Num, Status: uint32(r.Status), Body: r.Body, Inputs: r.Inputs}
			})
		case Prepare:
			n.prepare(o.Req)
		case Apply:
			n.execute(o.Req, func(r replicas.Reply) Event {
				return Applied{Num: o.Num, Status: uint32(r.Status), Body: r.Body}
			})
		case SyncFrom:
			n.log.Info("syncing from the primary", "view", o.View, "primary", o.Primary.ID)
			n.syncView = o.View
			n.tr = NewTransfer(TransferConfig{Self: n.cfg.ID, Sequencer: o.Primary.Addr, SequencerID: o.Primary.ID,
				Peers: []Peer{o.Primary}, Quorum: 1, Retry: n.cfg.Retry})
			n.nextReqID++
			n.emit(n.tr.Start(n.now(), 0, n.nextReqID))
		case Checkpoint:
			n.takeCheckpoint(o)
		case Loaded:
			n.tr = nil
			go n.load(n.syncView, o)
		}
	}
}

// execute runs q with its Inputs: recorded ones replay a lookup (a
// backup's update, or a primary's prepared request); none make it anew.
func (n *PBNode) execute(q *wire.Request, ev func(replicas.Reply) Event) {
	if n.proc == nil {
		return
	}
	r := &replicas.Request{Operation: q.Operation, Args: q.Args, Enc: replicas.Encoding(q.Enc), Inputs: q.Inputs}
	n.proc.Execute(r, func(rep replicas.Reply, err error) {
		if err != nil {
			return // the replica died: watch handles it
		}
		n.q.add(func() { n.step(ev(rep)) })
	})
}

// prepare asks the replica for the inputs q needs (its address lookup).
func (n *PBNode) prepare(q *wire.Request) {
	if n.proc == nil {
		return
	}
	fe, id := q.FE, q.ID
	n.proc.Prepare(&replicas.Request{Operation: q.Operation, Args: q.Args, Enc: replicas.Encoding(q.Enc)}, func(in []byte, err error) {
		if err != nil {
			return // the replica died: watch handles it
		}
		n.q.add(func() { n.step(Prepared{FE: fe, ID: id, Inputs: in}) })
	})
}

// takeCheckpoint snapshots the replica at o.Upto for a backup to sync from:
// blob = snapshot length(4) snapshot, then the reply cache (CacheBlob).
func (n *PBNode) takeCheckpoint(o Checkpoint) {
	if o.Repeat {
		if n.checkpoint(o.Upto) != nil {
			if err := n.conn.Send(o.To, o.Ack); err != nil {
				n.log.Error("rm send", "err", err)
			}
		}
		return
	}
	if n.proc == nil {
		return
	}
	n.proc.Snapshot(func(snap []byte, err error) {
		if err != nil {
			return
		}
		n.q.add(func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			blob := binary.BigEndian.AppendUint32(nil, uint32(len(snap)))
			blob = append(append(blob, snap...), n.pb.CacheBlob(o.Upto)...)
			if len(n.checkpoints) >= 4 {
				n.checkpoints = append(n.checkpoints[:0], n.checkpoints[1:]...)
			}
			n.checkpoints = append(n.checkpoints, checkpoint{seq: o.Upto, snap: blob, digest: sha256.Sum256(blob)})
			if err := n.conn.Send(o.To, o.Ack); err != nil {
				n.log.Error("rm send", "err", err)
			}
			n.conn.Flush()
		})
	})
	n.proc.Flush()
}

// load restores a checkpoint fetched from the primary.
func (n *PBNode) load(view uint64, l Loaded) {
	err := func() error {
		if sha256.Sum256(l.Snapshot) != l.Digest {
			return errors.New("checkpoint digest mismatch")
		}
		if len(l.Snapshot) < 4 {
			return errors.New("checkpoint too short")
		}
		sn := int(binary.BigEndian.Uint32(l.Snapshot))
		if sn > len(l.Snapshot)-4 {
			return errors.New("checkpoint snapshot length")
		}
		snap, cache := l.Snapshot[4:4+sn], l.Snapshot[4+sn:]
		if err := ValidCacheBlob(cache); err != nil {
			return err
		}
		n.mu.Lock()
		p, ok := n.proc, n.pb.CanSync(view)
		n.mu.Unlock()
		if !ok || p == nil {
			return nil // overtaken by a view change: a new sync follows
		}
		if err := p.Restore(snap); err != nil {
			return err
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.pb.CanSync(view) {
			n.syncs++
			n.emit(n.pb.Step(Synced{View: view, Upto: l.Seq, Cache: cache}))
			n.log.Info("synced from the primary", "view", view, "upto", l.Seq)
		}
		return nil
	}()
	if err != nil {
		n.log.Error("sync", "view", view, "err", err)
		n.mu.Lock()
		if n.pb.CanSync(view) {
			n.emit([]Output{SyncFrom{View: view, Primary: n.pb.Primary()}})
		}
		n.mu.Unlock()
	}
	n.conn.Flush()
}

// Status reports the RM's state.
func (n *PBNode) Status() PBStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := PBStatus{ID: n.cfg.ID, View: n.pb.View(), Primary: n.pb.IsPrimary(), Position: n.pb.Position(),
		Restarts: n.restarts, Syncs: n.syncs, Conn: n.conn.Stats(), FaultCtl: n.fc.stats}
	s.Pid = n.pidLocked()
	return s
}

// Close stops the RM and its replica process.
func (n *PBNode) Close() error { return n.shutdown(n.q.close) }
