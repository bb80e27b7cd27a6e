package rm

import (
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
