package wire

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"syscall"

	"golang.org/x/net/ipv4"
)

// IP multicast, sequencer -> RMs: the sequencer sends each Sequenced
// datagram once to a group instead of once per RM. Only that fan-out uses
// the group; NAKs, retransmissions and everything else stay unicast.

// CheckMulticastGroup checks that group is an IPv4 multicast address with a
// port.
func CheckMulticastGroup(group netip.AddrPort) error {
	if !group.IsValid() || !group.Addr().Is4() || !group.Addr().IsMulticast() || group.Port() == 0 {
		return fmt.Errorf("multicast group %s: want an IPv4 multicast address and a port, e.g. 239.1.2.3:7200", group)
	}
	return nil
}

// ListenMulticast opens a Conn that receives the datagrams sent to group on
// the interface ifname ("lo" on loopback). Several sockets on one host may
// listen to the same group (SO_REUSEADDR): each gets every datagram.
func ListenMulticast(group netip.AddrPort, ifname string, cfg ConnConfig) (*Conn, error) {
	if err := CheckMulticastGroup(group); err != nil {
		return nil, err
	}
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("wire: multicast interface %q: %w", ifname, err)
	}
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	// Bound to the group address: only the group's datagrams arrive here.
	pc, err := lc.ListenPacket(context.Background(), "udp4", group.String())
	if err != nil {
		return nil, fmt.Errorf("wire: listen on multicast group %s: %w", group, err)
	}
	uc := pc.(*net.UDPConn)
	p := ipv4.NewPacketConn(uc)
	if err := p.JoinGroup(ifi, &net.UDPAddr{IP: group.Addr().AsSlice()}); err != nil {
		uc.Close()
		return nil, fmt.Errorf("wire: join multicast group %s on %s: %w", group.Addr(), ifname, err)
	}
	return newConn(uc, cfg)
}

// EnableMulticast makes the Conn's datagrams to a group leave by interface
// ifname, stay on the local network (TTL 1) and loop back to listeners on
// this host (the RMs may run on the sender's host).
func (c *Conn) EnableMulticast(ifname string) error {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return fmt.Errorf("wire: multicast interface %q: %w", ifname, err)
	}
	p := ipv4.NewPacketConn(c.uc)
	if err := p.SetMulticastInterface(ifi); err != nil {
		return fmt.Errorf("wire: multicast interface %s: %w", ifname, err)
	}
	if err := p.SetMulticastLoopback(true); err != nil {
		return fmt.Errorf("wire: multicast loopback: %w", err)
	}
	if err := p.SetMulticastTTL(1); err != nil {
		return fmt.Errorf("wire: multicast TTL: %w", err)
	}
	return nil
}

// newConn wraps a bound IPv4 socket as Listen does.
func newConn(uc *net.UDPConn, cfg ConnConfig) (*Conn, error) {
	if cfg.Key == nil {
		uc.Close()
		return nil, errors.New("wire: multicast Conn without a cluster key")
	}
	if cfg.DropRate < 0 || cfg.DropRate >= 1 {
		uc.Close()
		return nil, fmt.Errorf("wire: drop rate %v outside [0, 1)", cfg.DropRate)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 64
	}
	_ = uc.SetReadBuffer(4 << 20)
	c := &Conn{uc: uc, bc: ipv4.NewPacketConn(uc), key: cfg.Key, batch: cfg.Batch, drop: cfg.DropRate}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	c.rng = rand.New(rand.NewPCG(seed, seed>>1|1))
	c.rmsgs = make([]ipv4.Message, cfg.Batch)
	c.rbufs = make([][]byte, cfg.Batch)
	for i := range c.rmsgs {
		c.rbufs[i] = make([]byte, MaxDatagram+1)
		c.rmsgs[i].Buffers = [][]byte{c.rbufs[i]}
	}
	c.wmsgs = make([]ipv4.Message, cfg.Batch)
	c.wbufs = make([][]byte, cfg.Batch)
	return c, nil
}
