package orb

import (
	"net"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"concord/giop"
)

// poller reads its share of a server's TCP connections on one goroutine,
// from an epoll set of its own. Compared with a goroutine per connection it saves,
// per request, the read that finds the socket empty, a goroutine park and
// wake-up, and the runtime's netpoll round: the set is level-triggered, so
// one read per ready socket is enough. The goroutine parks in Go's netpoller
// on the epoll descriptor itself, so the runtime schedules it like any other
// and no thread is held.
type poller struct {
	file *os.File // the epoll descriptor, registered with Go's netpoller
	rc   syscall.RawConn

	mu    sync.Mutex
	conns map[int32]*polled
}

type pollState uint8

const (
	polling pollState = iota // in the epoll set
	paused                   // out of it while a blocked reply is finished
)

type polled struct {
	c     *serverConn
	f     *fdConn
	state pollState
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return nil, err
	}
	file := os.NewFile(uintptr(epfd), "epoll")
	rc, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return nil, err
	}
	p := &poller{file: file, rc: rc, conns: map[int32]*polled{}}
	go p.run()
	return p, nil
}

// adopt takes nc over: its requests are read by the poller from now on. It
// returns nil if nc is not a TCP connection (it then stays as it was).
func (p *poller) adopt(s *Server, nc net.Conn) *serverConn {
	peer := nc.RemoteAddr().String()
	fd, ok := takeFD(nc)
	if !ok {
		return nil
	}
	f := &fdConn{fd: fd, p: p, framer: giop.NewFramer(s.cfg.MaxMessageSize)}
	return newServerConn(s, peer, f)
}

// watch starts reading c, adopted by this poller.
func (p *poller) watch(c *serverConn) error {
	f := c.io.(*fdConn)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ctl(unix.EPOLL_CTL_ADD, f.fd); err != nil {
		return err
	}
	p.conns[int32(f.fd)] = &polled{c: c, f: f}
	return nil
}

func (p *poller) ctl(op, fd int) error {
	var err error
	if cerr := p.rc.Control(func(epfd uintptr) {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
		err = unix.EpollCtl(int(epfd), op, fd, &ev)
	}); cerr != nil {
		return cerr
	}
	return err
}

// lookup finds f's entry; an fd number may have been reused by the time a
// late caller asks, so the entry must still be f's.
func (p *poller) lookup(f *fdConn) *polled {
	if e := p.conns[int32(f.fd)]; e != nil && e.f == f {
		return e
	}
	return nil
}

func (p *poller) pause(f *fdConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.lookup(f); e != nil && e.state == polling {
		_ = p.ctl(unix.EPOLL_CTL_DEL, f.fd)
		e.state = paused
	}
}

func (p *poller) resume(f *fdConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.lookup(f); e != nil && e.state == paused {
		_ = p.ctl(unix.EPOLL_CTL_ADD, f.fd)
		e.state = polling
	}
}

// forget stops reading f for good; its descriptor is closed later, by the
// connection's teardown.
func (p *poller) forget(f *fdConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.lookup(f); e != nil {
		if e.state == polling {
			_ = p.ctl(unix.EPOLL_CTL_DEL, f.fd)
		}
		delete(p.conns, int32(f.fd))
	}
}

// close stops the poller; the server calls it once no connection is left.
func (p *poller) close() { p.file.Close() }

func (p *poller) run() {
	events := make([]unix.EpollEvent, 128)
	buf := make([]byte, 64<<10) // shared: every read is consumed before the next
	n := 0
	ready := func(epfd uintptr) bool {
		n, _ = unix.EpollWait(int(epfd), events, 0)
		return n > 0
	}
	for {
		// Read resets the descriptor's readiness before calling ready, so
		// an event that arrives after ready found none still wakes us.
		if err := p.rc.Read(ready); err != nil {
			return // closed
		}
		for _, ev := range events[:n] {
			p.mu.Lock()
			e := p.conns[ev.Fd]
			if e != nil && e.state != polling {
				e = nil // paused after epoll_wait reported it
			}
			p.mu.Unlock()
			if e != nil {
				p.readFrom(e.c, e.f, buf)
			}
		}
	}
}

// readFrom reads what one ready connection has, handles the messages that
// completes and sends what they queued.
func (p *poller) readFrom(c *serverConn, f *fdConn, buf []byte) {
	ended := false
	n, err := unix.Read(f.fd, buf)
	switch {
	case n > 0:
		more, ferr := f.framer.Feed(buf[:n], c.deliver)
		if ferr != nil {
			c.readFailed(ferr)
		}
		ended = ferr != nil || !more
	case err == unix.EAGAIN || err == unix.EINTR:
	case err == nil: // end of stream
		if cut := f.framer.Cut(); cut != nil {
			c.readFailed(cut)
		}
		ended = true
	default:
		c.readFailed(err)
		ended = true
	}
	c.flushQueued()
	if ended {
		p.forget(f)
		go c.finish()
	}
}
