package rm

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"concord/internal/wire"
)

// shell is what both kinds of RM (Node, active; PBNode, passive) keep around
// their protocol state machine: the UDP socket, the replica process and its
// checkpoints, and shutdown. The embedding node's own state shares mu.
type shell struct {
	id    uint32
	conn  *wire.Conn
	log   *slog.Logger
	start time.Time
	spawn replicaSpawn
	// peers are the group's RMs: the only ones whose state transfer
	// requests are answered.
	peers map[uint32]bool
	// replicaDied handles the death of the current replica process; it
	// runs with mu held, and not after Close or once the process was replaced.
	replicaDied func(*Proc)

	mu          sync.Mutex
	proc        *Proc
	checkpoints []checkpoint // newest last
	closed      bool

	closeOnce sync.Once
	done      chan struct{}
}

// init sets up the shell of RM id, answering state requests from peers.
func (s *shell) init(id uint32, conn *wire.Conn, log *slog.Logger, spawn replicaSpawn, peers []Peer) {
	s.id, s.conn, s.log, s.start, s.spawn = id, conn, log.With("rm", id), time.Now(), spawn
	s.done = make(chan struct{})
	s.peers = map[uint32]bool{}
	for _, p := range peers {
		s.peers[p.ID] = true
	}
}

// serve runs the node until ctx is done or closeFn is called: recv for
// every datagram and tick every period, both with mu held; the datagrams
// they queue leave together after each batch or tick.
func (s *shell) serve(ctx context.Context, closeFn func() error, period time.Duration, tick func(now time.Duration), recv func(wire.In)) error {
	closeWhenDone(ctx, s.done, closeFn)
	go s.ticker(period, tick)
	return serveDatagrams(s.conn, s.log, func(in []wire.In) *Proc {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, e := range in {
			recv(e)
		}
		return s.proc
	})
}

func (s *shell) ticker(period time.Duration, tick func(now time.Duration)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		s.mu.Lock()
		tick(s.now())
		s.mu.Unlock()
		s.conn.Flush()
	}
}

// serveState answers a peer's state transfer request (StateQuery or
// StateFetch) from the checkpoints; false means e is neither.
func (s *shell) serveState(e wire.In) bool {
	switch m := e.Pkt.Msg.(type) {
	case *wire.StateQuery:
		if cp := s.checkpoint(m.Seq); cp != nil && s.peers[e.Pkt.Sender] {
			s.send(e.From, &wire.StateOffer{Seq: cp.seq, Size: uint32(len(cp.snap)), Digest: cp.digest})
		}
	case *wire.StateFetch:
		cp := s.checkpoint(m.Seq)
		if cp == nil || !s.peers[e.Pkt.Sender] || int(m.Offset) >= len(cp.snap) || m.Offset%wire.MaxStateChunk != 0 {
			return true
		}
		end := min(len(cp.snap), int(m.Offset)+wire.MaxStateChunk)
		s.send(e.From, &wire.StateChunk{Seq: cp.seq, Offset: m.Offset, Total: uint32(len(cp.snap)), Data: cp.snap[m.Offset:end]})
	default:
		return false
	}
	return true
}

// replicaSpawn is how a replica process is started.
type replicaSpawn struct {
	cmd    []string
	env    []string
	stderr io.Writer
}

// Addr is the RM's UDP address.
func (s *shell) Addr() netip.AddrPort { return s.conn.LocalAddr() }

func (s *shell) now() time.Duration { return time.Since(s.start) }

func (s *shell) startProcLocked() error {
	p, err := StartProc(s.spawn.cmd, s.spawn.env, s.spawn.stderr)
	if err != nil {
		return err
	}
	s.proc = p
	p.SetOnIdle(s.conn.Flush) // replies of a burst leave in one batch
	go s.watch(p)
	return nil
}

func (s *shell) watch(p *Proc) {
	<-p.Dead()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.proc != p {
		return // replaced on purpose, or shutting down
	}
	s.replicaDied(p)
}

// checkpoint returns the newest complete checkpoint at seq, or nil.
func (s *shell) checkpoint(seq uint64) *checkpoint {
	for i := len(s.checkpoints) - 1; i >= 0; i-- {
		if s.checkpoints[i].seq == seq && s.checkpoints[i].snap != nil {
			return &s.checkpoints[i]
		}
	}
	return nil
}

func (s *shell) send(to netip.AddrPort, m wire.Msg) {
	if err := s.conn.Send(to, wire.Packet{Sender: s.id, Msg: m}); err != nil {
		s.log.Error("rm send", "err", err)
	}
}

// Replica returns the current replica process (nil while restarting).
func (s *shell) Replica() *Proc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}

// pidLocked is the replica process's pid, 0 while there is none.
func (s *shell) pidLocked() int {
	if s.proc == nil {
		return 0
	}
	return s.proc.Pid()
}

// shutdown stops the RM and its replica process; stop, if not nil, ends
// the node's own machinery once done is closed.
func (s *shell) shutdown(stop func()) error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		p := s.proc
		s.mu.Unlock()
		close(s.done)
		if stop != nil {
			stop()
		}
		err = s.conn.Close()
		if p != nil {
			p.Kill()
		}
	})
	return err
}
