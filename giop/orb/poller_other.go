//go:build !linux

package orb

import (
	"errors"
	"net"
)

// poller exists on Linux only; elsewhere every connection has a reading
// goroutine of its own.
type poller struct{}

func newPoller() (*poller, error) { return nil, errors.New("orb: no poller on this system") }

func (p *poller) adopt(*Server, net.Conn) *serverConn { return nil }
func (p *poller) watch(*serverConn) error             { return errors.New("orb: no poller on this system") }
func (p *poller) close()                              {}
