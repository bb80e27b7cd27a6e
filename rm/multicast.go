package rm

import (
	"context"
	"errors"
	"net"

	"concord/internal/wire"
)

// ServeMulticast feeds the datagrams of a multicast Conn (see
// wire.ListenMulticast: the sequencer's Sequenced datagrams sent once to a
// group) into the RM, beside Run's unicast socket, until ctx is done or
// the RM closes; it closes c. Gaps are still NAKed and repaired over
// unicast, so a lossy group costs only retransmissions.
func (n *Node) ServeMulticast(ctx context.Context, c *wire.Conn) error {
	go func() {
		select {
		case <-ctx.Done():
		case <-n.done:
		}
		c.Close()
	}()
	var in []wire.In
	for {
		var err error
		in, err = c.Read(in[:0])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			n.log.Warn("rm multicast read", "err", err)
			continue
		}
		n.mu.Lock()
		for _, e := range in {
			if e.Pkt.Sender == n.cfg.SequencerID { // only the sequencer multicasts
				n.recv(e)
			}
		}
		p := n.proc
		n.mu.Unlock()
		if p != nil {
			p.Flush()
		}
		n.conn.Flush()
	}
}
