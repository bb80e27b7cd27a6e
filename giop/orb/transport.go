package orb

import (
	"net"
	"time"
)

// transport is the socket under a server connection: how replies leave and
// how the connection is broken. Requests come in either through a goroutine
// per connection reading a net.Conn (netTransport) or through the server's
// poller (fdConn, Linux).
type transport interface {
	// writeNow writes what the socket takes without waiting; n < len(b)
	// with a nil error means the rest has to wait for the peer.
	writeNow(b []byte) (n int, err error)
	// write writes all of b, waiting up to writeTimeout for a slow peer.
	write(b []byte) error
	// readerWaits reports whether the reading side may block in write: a
	// goroutine per connection may, the shared poller goroutine may not.
	readerWaits() bool
	// pauseReading and resumeReading stop and restart reading while a
	// reply the socket would not take is finished by another goroutine.
	pauseReading()
	resumeReading()
	closeWrite()              // FIN: nothing more will be sent
	abort()                   // break the connection; reading and writing fail
	abortAfter(time.Duration) // abort later unless closed first
	close()                   // release the socket, once nobody uses it
}

// netTransport is a net.Conn read by a goroutine of its own.
type netTransport struct {
	nc net.Conn
	// wdeadline is the write deadline set last; only the flushing
	// goroutine touches it. It is pushed forward at most every
	// writeTimeout/2 instead of on every write.
	wdeadline time.Time
}

func (t *netTransport) writeNow(b []byte) (int, error) {
	if err := t.write(b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (t *netTransport) write(b []byte) error {
	if now := time.Now(); t.wdeadline.Sub(now) < writeTimeout/2 {
		t.wdeadline = now.Add(writeTimeout)
		_ = t.nc.SetWriteDeadline(t.wdeadline)
	}
	_, err := t.nc.Write(b)
	return err
}

func (t *netTransport) readerWaits() bool { return true }
func (t *netTransport) pauseReading()     {}
func (t *netTransport) resumeReading()    {}

func (t *netTransport) closeWrite() {
	if cw, ok := t.nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

func (t *netTransport) abort() { t.nc.Close() }
func (t *netTransport) close() { t.nc.Close() }

func (t *netTransport) abortAfter(d time.Duration) {
	_ = t.nc.SetReadDeadline(time.Now().Add(d))
}
