package rm

import (
	"context"
	"errors"
	"log/slog"
	"net"

	"concord/internal/wire"
)

// closeWhenDone calls closeFn once ctx ends or done is closed, whichever
// comes first: Run's way of honouring both its context and Close.
func closeWhenDone(ctx context.Context, done <-chan struct{}, closeFn func() error) {
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
		}
		_ = closeFn()
	}()
}

// serveDatagrams reads batches of datagrams until conn is closed. handle
// processes one batch (under the node's lock) and returns the replica
// process whose queued input must then be flushed, if any; the replies the
// batch produced go out in one flush of conn.
func serveDatagrams(conn *wire.Conn, log *slog.Logger, handle func([]wire.In) *Proc) error {
	var in []wire.In
	for {
		var err error
		in, err = conn.Read(in[:0])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			log.Warn("rm read", "err", err)
			continue
		}
		if p := handle(in); p != nil {
			p.Flush()
		}
		conn.Flush()
	}
}
