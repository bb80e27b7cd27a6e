package sequencer

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"concord/internal/wire"
)

// ServerConfig configures the UDP shell.
type ServerConfig struct {
	Sequencer Config
	// Conn is the socket to use; if nil, Listen opens Addr with ConnConfig.
	Conn       *wire.Conn
	Addr       string
	ConnConfig wire.ConnConfig
	// Tick is the logical clock's resolution (default 1ms).
	Tick   time.Duration
	Logger *slog.Logger
	// Multicast, if valid, is the IPv4 group the RMs listen to: each
	// Sequenced datagram goes there once, out of MulticastIface (default
	// "lo"), instead of to every RM. Everything else stays unicast.
	Multicast      netip.AddrPort
	MulticastIface string
}

// Server runs a Sequencer on a UDP socket: one goroutine reads batches of
// datagrams and steps them through the state machine, another advances the
// clock; both send what the state machine returns.
type Server struct {
	conn  *wire.Conn
	tick  time.Duration
	log   *slog.Logger
	start time.Time
	rms   []netip.AddrPort
	group netip.AddrPort // multicast group, or zero: unicast fan-out

	mu  sync.Mutex // guards seq
	seq *Sequencer

	closeOnce sync.Once
	done      chan struct{}
}

// Listen binds the server's socket (it does not serve yet).
func Listen(cfg ServerConfig) (*Server, error) {
	c := cfg.Conn
	if c == nil {
		var err error
		if c, err = wire.Listen(cfg.Addr, cfg.ConnConfig); err != nil {
			return nil, err
		}
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{conn: c, tick: cfg.Tick, log: cfg.Logger, start: time.Now(), seq: New(cfg.Sequencer), done: make(chan struct{})}
	if cfg.Multicast.IsValid() {
		if cfg.MulticastIface == "" {
			cfg.MulticastIface = "lo"
		}
		err := wire.CheckMulticastGroup(cfg.Multicast)
		if err == nil {
			err = c.EnableMulticast(cfg.MulticastIface)
		}
		if err != nil {
			if cfg.Conn == nil {
				c.Close()
			}
			return nil, err
		}
		s.group = cfg.Multicast
	}
	for _, r := range cfg.Sequencer.RMs {
		s.rms = append(s.rms, r.Addr)
	}
	return s, nil
}

// Addr is the bound UDP address.
func (s *Server) Addr() netip.AddrPort { return s.conn.LocalAddr() }

// Stats returns the state machine's and the socket's counters.
func (s *Server) Stats() (Stats, wire.ConnStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq.Stats(), s.conn.Stats()
}

// Serve runs until ctx is done or Close is called.
func (s *Server) Serve(ctx context.Context) error {
	go func() {
		select {
		case <-ctx.Done():
		case <-s.done:
		}
		s.Close()
	}()
	go s.ticker()
	var in []wire.In
	for {
		var err error
		in, err = s.conn.Read(in[:0])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			// A transient socket error (e.g. ICMP) must not stop the sequencer.
			s.log.Warn("sequencer read", "err", err)
			continue
		}
		if len(in) == 0 {
			continue
		}
		s.mu.Lock()
		for _, e := range in {
			s.emit(s.seq.Step(Recv{From: e.From, Pkt: e.Pkt}))
		}
		s.emit(s.seq.Step(Flush{}))
		s.mu.Unlock()
		s.conn.Flush()
	}
}

func (s *Server) ticker() {
	t := time.NewTicker(s.tick)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		s.mu.Lock()
		s.emit(s.seq.Step(Tick{Now: time.Since(s.start)}))
		s.mu.Unlock()
		s.conn.Flush()
	}
}

// emit queues outputs; the caller holds mu and flushes afterwards.
func (s *Server) emit(outs []Output) {
	for _, o := range outs {
		if o.ToRMs {
			b, err := s.conn.Seal(o.Pkt)
			if err != nil {
				s.log.Error("sequencer seal", "err", err)
				continue
			}
			if s.group.IsValid() {
				s.conn.SendRaw(s.group, b)
				continue
			}
			for _, a := range s.rms {
				s.conn.SendRaw(a, b)
			}
			continue
		}
		if err := s.conn.Send(o.To, o.Pkt); err != nil {
			s.log.Error("sequencer send", "to", o.To, "err", err)
		}
	}
}

// Close stops the server.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done)
		err = s.conn.Close()
	})
	return err
}
