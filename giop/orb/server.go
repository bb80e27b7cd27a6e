package orb

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"concord/giop"
)

// ServerConfig holds a server's limits. Zero values mean the defaults.
type ServerConfig struct {
	// MaxMessageSize bounds a request, fragments included (default 64 MiB).
	MaxMessageSize int
	// IdleTimeout closes (with CloseConnection) a connection with no
	// outstanding request for this long (default 5 minutes; <0 disables).
	IdleTimeout time.Duration
	// Logger receives one line per protocol error (default slog.Default()).
	Logger *slog.Logger
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
	return &Server{adapter: adapter, cfg: cfg, log: log,
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
		c := newServerConn(s, nc)
		s.mu.Lock()
		if s.shutdown {
			s.mu.Unlock()
			nc.Close()
			return ErrServerClosed
		}
		s.conns[c] = struct{}{}
		s.connWG.Add(1)
		s.mu.Unlock()
		go c.serve()
	}
}

func (s *Server) removeConn(c *serverConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.connWG.Done()
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
	s.mu.Unlock()
	for _, c := range conns {
		c.beginDrain()
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
		c.nc.Close()
	}
	s.mu.Unlock()
	return nil
}
