package orb

import (
	"errors"
	"net"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"concord/giop"
)

// fdConn is a TCP socket taken out of Go's netpoller and read by the
// server's poller. Writes are non-blocking syscalls; a writer that must wait
// for a slow peer waits in poll(2) on its own goroutine.
type fdConn struct {
	fd     int
	p      *poller
	framer *giop.Framer // reading state; only the poller goroutine touches it

	mu     sync.Mutex // guards fd against use after close
	closed bool
}

var errWriteTimeout = errors.New("orb: client did not read its replies for " + writeTimeout.String())

// takeFD moves a TCP connection's socket to a descriptor of our own: the
// net.Conn is closed, which takes the socket out of Go's netpoller (so the
// runtime is not woken for each request too) but leaves it open.
func takeFD(nc net.Conn) (int, bool) {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return -1, false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return -1, false
	}
	fd, dupErr := -1, error(nil)
	if err := rc.Control(func(s uintptr) { fd, dupErr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil || dupErr != nil {
		return -1, false
	}
	// The duplicate shares the socket's O_NONBLOCK, set by Go.
	tc.Close()
	return fd, true
}

func (f *fdConn) writeNow(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		n, err := unix.Write(f.fd, b[done:])
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return done, nil
		case err != nil:
			return done, err
		}
		done += n
	}
	return done, nil
}

func (f *fdConn) write(b []byte) error {
	deadline := time.Now().Add(writeTimeout)
	for {
		n, err := f.writeNow(b)
		if err != nil {
			return err
		}
		b = b[n:]
		if len(b) == 0 {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return errWriteTimeout
		}
		pfd := []unix.PollFd{{Fd: int32(f.fd), Events: unix.POLLOUT}}
		if _, err := unix.Poll(pfd, int(left/time.Millisecond)+1); err != nil && err != unix.EINTR {
			return err
		}
	}
}

func (f *fdConn) readerWaits() bool { return false }
func (f *fdConn) pauseReading()     { f.p.pause(f) }
func (f *fdConn) resumeReading()    { f.p.resume(f) }

// shutdown shuts the socket's directions in how, unless it is closed.
func (f *fdConn) shutdown(how int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		_ = unix.Shutdown(f.fd, how)
	}
}

func (f *fdConn) closeWrite() { f.shutdown(unix.SHUT_WR) }

// abort shuts both directions: the poller reads end-of-stream and ends the
// connection; a writer waiting in poll wakes up and fails.
func (f *fdConn) abort() { f.shutdown(unix.SHUT_RDWR) }

func (f *fdConn) abortAfter(d time.Duration) { time.AfterFunc(d, f.abort) }

func (f *fdConn) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		_ = unix.Close(f.fd)
	}
}
