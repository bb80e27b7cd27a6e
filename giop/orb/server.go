package orb

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"time"

	"concord/giop"
)

// ServerConfig holds a server's limits. Zero values mean the defaults.
type ServerConfig struct {
	// MaxMessageSize bounds a request, fragments included (default 64 MiB).
	MaxMessageSize int
	// IdleTimeout closes (with CloseConnection) a connection with no
	// outstanding request and no traffic for this long, give or take a
	// quarter (default 5 minutes; <0 disables).
	IdleTimeout time.Duration
	// Logger receives one line per protocol error (default slog.Default()).
	Logger *slog.Logger
	// GoroutinePerConn reads every connection on a goroutine of its own.
	// By default (Linux) a few poller goroutines (one per P) read all TCP
	// connections, which costs less CPU per request; other connections
	// always get a goroutine.
	GoroutinePerConn bool
}

// Server serves an Adapter's objects over IIOP.
type Server struct {
	adapter *Adapter
	cfg     ServerConfig
	log     *slog.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*serverConn]struct{}
	shutdown  bool
	connWG    sync.WaitGroup
	// pollers read the TCP connections (Linux), one per P so that
	// connections are read in parallel when there are cores to spare;
	// none until the first connection, and after shutdown once the last
	// connection is gone.
	pollers  []*poller
	turn     int  // which poller takes the next connection
	noPoller bool // every connection gets a reading goroutine
}

// NewServer returns a server for adapter.
func NewServer(adapter *Adapter, cfg ServerConfig) *Server {
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = giop.DefaultMaxMessageSize
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 5 * time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Server{adapter: adapter, cfg: cfg, log: log, noPoller: cfg.GoroutinePerConn,
		listeners: map[net.Listener]struct{}{}, conns: map[*serverConn]struct{}{}}
}

// Adapter returns the server's object adapter.
func (s *Server) Adapter() *Adapter { return s.adapter }

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("orb: server closed")

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			down := s.shutdown
			s.mu.Unlock()
			if down {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		if err := s.start(nc); err != nil {
			return err
		}
	}
}

// start serves a new connection: on a poller if one can take it, else
// with a reading goroutine of its own.
func (s *Server) start(nc net.Conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown {
		nc.Close()
		return ErrServerClosed
	}
	if s.pollers == nil && !s.noPoller {
		s.startPollersLocked()
	}
	if len(s.pollers) > 0 {
		p := s.pollers[s.turn%len(s.pollers)]
		s.turn++
		if c := p.adopt(s, nc); c != nil {
			s.conns[c] = struct{}{}
			s.connWG.Add(1)
			c.startIdleTimer()
			if err := p.watch(c); err != nil {
				s.log.Warn("orb: cannot poll a connection, closing it", "peer", c.peer, "err", err)
				go c.finish()
			}
			return nil
		}
	}
	c := newServerConn(s, nc.RemoteAddr().String(), &netTransport{nc: nc})
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	c.startIdleTimer()
	go c.serve(nc)
	return nil
}

func (s *Server) removeConn(c *serverConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.stopPollersIfDoneLocked()
	s.mu.Unlock()
	s.connWG.Done()
}

func (s *Server) startPollersLocked() {
	for range runtime.GOMAXPROCS(0) {
		p, err := newPoller()
		if err != nil {
			s.log.Debug("orb: no poller, a goroutine per connection", "err", err)
			break
		}
		s.pollers = append(s.pollers, p)
	}
	s.noPoller = len(s.pollers) == 0
}

// stopPollersIfDoneLocked stops the pollers once the server is shut down
// and has no connection left for them.
func (s *Server) stopPollersIfDoneLocked() {
	if s.shutdown && len(s.conns) == 0 {
		for _, p := range s.pollers {
			p.close()
		}
		s.pollers = nil
	}
}

// Shutdown stops accepting connections, lets every outstanding request be
// answered, sends CloseConnection on each connection and closes it. Requests
// that arrive meanwhile are not processed: the CloseConnection tells their
// clients to reissue them elsewhere. If ctx ends first, the rest are closed
// abruptly and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	for ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*serverConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.stopPollersIfDoneLocked()
	s.mu.Unlock()
	for _, c := range conns {
		go c.beginDrain() // it may wait for a write that a slow client holds up
	}
	done := make(chan struct{})
	go func() { s.connWG.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Close()
		return ctx.Err()
	}
}

// Close closes every listener and connection at once.
func (s *Server) Close() error {
	s.mu.Lock()
	s.shutdown = true
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		c.io.abort()
	}
	s.stopPollersIfDoneLocked()
	s.mu.Unlock()
	return nil
}
