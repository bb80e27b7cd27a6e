package rm

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"concord/internal/wire"
)

// ErrNoFaultAck is wrapped by SendFaultCtl's error when no answer came.
var ErrNoFaultAck = errors.New("no answer")

// SendFaultCtl asks RM rmID at addr to set its replica's fault mode, as
// sender (wire.OperatorID or an allowed FE id), from conn. It resends the
// same command (same m.ID, so the RM applies it once) every retry until the
// RM acknowledges it or timeout passes. conn must not be read by anyone else
// meanwhile. An RM's refusal (bad mode, no replica) is an ack with OK false,
// not an error.
func SendFaultCtl(conn *wire.Conn, sender, rmID uint32, addr netip.AddrPort, m wire.FaultCtl, retry, timeout time.Duration) (wire.FaultCtlAck, error) {
	if retry <= 0 {
		retry = 200 * time.Millisecond
	}
	deadline := time.Now().Add(timeout)
	var in []wire.In
	for time.Now().Before(deadline) {
		if err := conn.Send(addr, wire.Packet{Sender: sender, Msg: &m}); err != nil {
			return wire.FaultCtlAck{}, err
		}
		conn.Flush()
		wait := time.Now().Add(retry)
		if wait.After(deadline) {
			wait = deadline
		}
		if err := conn.SetReadDeadline(wait); err != nil {
			return wire.FaultCtlAck{}, err
		}
		for time.Now().Before(wait) {
			var err error
			in, err = conn.Read(in[:0])
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				break
			}
			if err != nil {
				return wire.FaultCtlAck{}, err
			}
			for _, e := range in {
				a, ok := e.Pkt.Msg.(*wire.FaultCtlAck)
				if ok && a.ID == m.ID && e.Pkt.Sender == rmID && a.Replica == rmID {
					return *a, nil
				}
			}
		}
	}
	return wire.FaultCtlAck{}, fmt.Errorf("%w from rm %d at %s within %v", ErrNoFaultAck, rmID, addr, timeout)
}
