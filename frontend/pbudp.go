package frontend

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"

	"concord/internal/wire"
)

// PBUDP is the PBBackend over the internal UDP protocol: requests go to the
// primary RM as wire.Request, PrimaryQuery asks every RM of the group, and
// the RMs answer with wire.Reply and wire.Primary on this socket.
type PBUDP struct {
	conn    *wire.Conn
	fe      uint32
	rms     map[uint32]netip.AddrPort
	replyTo netip.AddrPort
	log     *slog.Logger

	mu      sync.Mutex
	view    uint64
	primary uint32
	pb      *PrimaryBackup
	done    chan struct{}
}

// NewPBUDP returns the transport; conn must be bound to a concrete address
// (the RMs reply to it). Attach the PrimaryBackup, then Start.
func NewPBUDP(conn *wire.Conn, fe uint32, rms map[uint32]netip.AddrPort, log *slog.Logger) *PBUDP {
	if log == nil {
		log = slog.Default()
	}
	return &PBUDP{conn: conn, fe: fe, rms: rms, replyTo: conn.LocalAddr(), log: log, done: make(chan struct{})}
}

// Attach sets the PrimaryBackup that receives replies and announcements.
func (b *PBUDP) Attach(pb *PrimaryBackup) {
	b.mu.Lock()
	b.pb = pb
	b.mu.Unlock()
}

// Send implements PBBackend.
func (b *PBUDP) Send(replica uint32, id uint64, req *wire.Request) {
	to, ok := b.rms[replica]
	if !ok {
		return
	}
	q := *req
	q.FE, q.ID, q.ReplyTo = b.fe, id, b.replyTo
	if err := b.conn.Send(to, wire.Packet{Sender: b.fe, Msg: &q}); err != nil {
		b.log.Warn("frontend: passive request not sent", "replica", replica, "err", err)
	}
	b.conn.Flush()
}

// Ask implements PBBackend: a PrimaryQuery to every RM of the group, naming
// the suspected primary of the view we know.
func (b *PBUDP) Ask(suspect uint32) {
	b.mu.Lock()
	q := &wire.PrimaryQuery{View: b.view}
	if suspect != 0 && suspect == b.primary {
		q.Suspect = suspect
	}
	b.mu.Unlock()
	for _, to := range b.rms {
		_ = b.conn.Send(to, wire.Packet{Sender: b.fe, Msg: q})
	}
	b.conn.Flush()
}

// Start reads replies and announcements until Close.
func (b *PBUDP) Start() { go b.readLoop() }

// Close stops the transport and closes its socket.
func (b *PBUDP) Close() error {
	close(b.done)
	return b.conn.Close()
}

func (b *PBUDP) readLoop() {
	var in []wire.In
	for {
		var err error
		in, err = b.conn.Read(in[:0])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select {
			case <-b.done:
				return
			default:
			}
			b.log.Warn("frontend: passive udp read", "err", err)
			continue
		}
		b.mu.Lock()
		pb := b.pb
		b.mu.Unlock()
		if pb == nil {
			continue
		}
		for _, e := range in {
			if _, member := b.rms[e.Pkt.Sender]; !member {
				continue
			}
			switch m := e.Pkt.Msg.(type) {
			case *wire.Reply:
				pb.Reply(m.Replica, m.ID, m.Status, m.Body)
			case *wire.Primary:
				if m.Primary == 0 {
					continue
				}
				b.mu.Lock()
				if m.View >= b.view {
					b.view, b.primary = m.View, m.Primary
				}
				b.mu.Unlock()
				pb.Announce(m.View, m.Primary)
			}
		}
	}
}
