package wire

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// ConnConfig configures a Conn.
type ConnConfig struct {
	Key *Key
	// Batch is how many datagrams one system call reads or writes
	// (recvmmsg/sendmmsg); 1 turns batching off. Default 64.
	Batch int
	// DropRate drops this fraction of received datagrams before they are
	// looked at: loss injection for tests and the chaos suite.
	DropRate float64
	// Seed seeds the loss injection (0: random).
	Seed uint64
	// OnDrop, if set, is told the reason of every refused datagram (on the
	// reading goroutine), for shells that keep their own drop metrics.
	OnDrop func(Reason)
}

// In is one received, authenticated datagram.
type In struct {
	From netip.AddrPort
	Pkt  Packet
}

// ConnStats are a Conn's counters.
type ConnStats struct {
	Received   uint64 // datagrams read from the socket
	Accepted   uint64 // datagrams that passed every check
	Injected   uint64 // datagrams dropped by loss injection
	Sent       uint64
	SendErrors uint64
	ReadCalls  uint64 // system calls; Received/ReadCalls is the batching factor
	WriteCalls uint64
	Dropped    [NumReasons]uint64 // refused datagrams by reason (bad MAC, ...)
}

type batcher interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// Conn is a UDP socket speaking this package's datagrams with batched
// reads and writes. One goroutine may Read while others Send and Flush.
type Conn struct {
	uc     *net.UDPConn
	bc     batcher
	key    *Key
	batch  int
	drop   float64
	onDrop func(Reason)
	rng    *rand.Rand // reader goroutine only

	rmsgs []ipv4.Message // reader goroutine only
	rbufs [][]byte

	mu     sync.Mutex // guards the write queue
	wmsgs  []ipv4.Message
	wbufs  [][]byte
	wcount int

	received, accepted, injected, sent, sendErrors, readCalls, writeCalls atomic.Uint64
	dropped                                                               [NumReasons]atomic.Uint64
}

// Listen opens a Conn on addr ("127.0.0.1:0" for an ephemeral port).
func Listen(addr string, cfg ConnConfig) (*Conn, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("wire: address %q: %w", addr, err)
	}
	uc, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, err
	}
	// Loaded RMs receive bursts: a larger socket buffer absorbs them.
	_ = uc.SetReadBuffer(4 << 20)
	_ = uc.SetWriteBuffer(4 << 20)
	return NewConn(uc, cfg)
}

func (cfg ConnConfig) check() error {
	if cfg.Key == nil {
		return errors.New("wire: Conn without a cluster key")
	}
	if cfg.DropRate < 0 || cfg.DropRate >= 1 {
		return fmt.Errorf("wire: drop rate %v outside [0, 1)", cfg.DropRate)
	}
	return nil
}

// NewConn makes a Conn of a UDP socket the caller bound; the Conn owns it
// from then on.
func NewConn(uc *net.UDPConn, cfg ConnConfig) (*Conn, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 64
	}
	c := &Conn{uc: uc, key: cfg.Key, batch: cfg.Batch, drop: cfg.DropRate, onDrop: cfg.OnDrop}
	if uc.LocalAddr().(*net.UDPAddr).IP.To4() != nil {
		c.bc = ipv4.NewPacketConn(uc)
	} else {
		c.bc = ipv6.NewPacketConn(uc)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	c.rng = rand.New(rand.NewPCG(seed, seed>>1|1))
	c.rmsgs = make([]ipv4.Message, cfg.Batch)
	c.rbufs = make([][]byte, cfg.Batch)
	for i := range c.rmsgs {
		c.rbufs[i] = make([]byte, MaxDatagram+1) // +1 detects oversized datagrams
		c.rmsgs[i].Buffers = [][]byte{c.rbufs[i]}
	}
	c.wmsgs = make([]ipv4.Message, cfg.Batch)
	c.wbufs = make([][]byte, cfg.Batch)
	return c, nil
}

// LocalAddr is the bound address.
func (c *Conn) LocalAddr() netip.AddrPort { return c.uc.LocalAddr().(*net.UDPAddr).AddrPort() }

// SetReadDeadline bounds a blocked Read (tests use it to stay bounded).
func (c *Conn) SetReadDeadline(t time.Time) error { return c.uc.SetReadDeadline(t) }

// Close closes the socket; a blocked Read returns net.ErrClosed.
func (c *Conn) Close() error { return c.uc.Close() }

// Read blocks until at least one datagram arrives, then appends to dst every
// authenticated datagram of that batch. Refused datagrams are counted and
// skipped; an empty result with a nil error is possible.
func (c *Conn) Read(dst []In) ([]In, error) {
	n, err := c.bc.ReadBatch(c.rmsgs, 0)
	if err != nil {
		return dst, err
	}
	c.readCalls.Add(1)
	c.received.Add(uint64(n))
	for i := 0; i < n; i++ {
		m := &c.rmsgs[i]
		if c.drop > 0 && c.rng.Float64() < c.drop {
			c.injected.Add(1)
			continue
		}
		p, err := Open(c.key, c.rbufs[i][:m.N])
		if err != nil {
			r := ReasonOf(err)
			c.dropped[r].Add(1)
			if c.onDrop != nil {
				c.onDrop(r)
			}
			continue
		}
		ua, ok := m.Addr.(*net.UDPAddr)
		if !ok {
			continue
		}
		c.accepted.Add(1)
		ap := ua.AddrPort()
		dst = append(dst, In{From: netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), Pkt: p})
	}
	return dst, nil
}

// Seal encodes p with the Conn's key, for SendRaw to several destinations.
func (c *Conn) Seal(p Packet) ([]byte, error) { return Seal(c.key, p) }

// Send seals p and queues it for to; Flush (or a full queue) sends it.
func (c *Conn) Send(to netip.AddrPort, p Packet) error {
	b, err := Seal(c.key, p)
	if err != nil {
		return err
	}
	c.SendRaw(to, b)
	return nil
}

// SendRaw queues an already sealed datagram. b must not change afterwards.
func (c *Conn) SendRaw(to netip.AddrPort, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wcount == len(c.wmsgs) {
		c.flushLocked()
	}
	m := &c.wmsgs[c.wcount]
	m.Buffers = append(m.Buffers[:0], b)
	m.Addr = net.UDPAddrFromAddrPort(to)
	c.wcount++
}

// Flush writes the queued datagrams, as few system calls as possible.
func (c *Conn) Flush() {
	c.mu.Lock()
	c.flushLocked()
	c.mu.Unlock()
}

func (c *Conn) flushLocked() {
	ms := c.wmsgs[:c.wcount]
	for len(ms) > 0 {
		n, err := c.bc.WriteBatch(ms, 0)
		c.writeCalls.Add(1)
		if err != nil {
			// The first datagram failed (e.g. ICMP refused from a dead
			// peer): count it and go on with the rest.
			c.sendErrors.Add(1)
			n = max(n, 1)
		} else {
			c.sent.Add(uint64(n))
		}
		ms = ms[n:]
	}
	for i := range c.wmsgs[:c.wcount] {
		c.wmsgs[i].Buffers[0] = nil
		c.wmsgs[i].Addr = nil
	}
	c.wcount = 0
}

// Stats returns the counters.
func (c *Conn) Stats() ConnStats {
	s := ConnStats{
		Received: c.received.Load(), Accepted: c.accepted.Load(), Injected: c.injected.Load(),
		Sent: c.sent.Load(), SendErrors: c.sendErrors.Load(), ReadCalls: c.readCalls.Load(),
		WriteCalls: c.writeCalls.Load(),
	}
	for i := range s.Dropped {
		s.Dropped[i] = c.dropped[i].Load()
	}
	return s
}
