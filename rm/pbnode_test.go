package rm

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

// TestPassiveFailoverWithRealProcesses runs 3 primary-backup RMs with
// replica processes over loopback UDP with 10% loss, kills the primary's
// replica with SIGKILL in the middle of a stream of requests, and checks
// that every request got one answer and ran exactly once on every replica.
func TestPassiveFailoverWithRealProcesses(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	cc := wire.ConnConfig{Key: clusterKey, DropRate: 0.1}
	var members []Peer
	var conns []*wire.Conn
	for i := 0; i < 3; i++ {
		c, err := wire.Listen("127.0.0.1:0", cc)
		require.NoError(t, err)
		conns = append(conns, c)
		members = append(members, Peer{ID: uint32(21 + i), Addr: c.LocalAddr()})
	}
	argv, env := replicaCmd(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var nodes []*PBNode
	for i := range conns {
		n, err := NewPBNode(PBNodeConfig{ID: members[i].ID, Conn: conns[i], Members: members, ReplicaCmd: argv, ReplicaEnv: env,
			Retry: 5 * time.Millisecond, BackupTimeout: 200 * time.Millisecond, Logger: log})
		require.NoError(t, err)
		nodes = append(nodes, n)
		wg.Add(1)
		go func() { defer wg.Done(); _ = n.Run(ctx) }()
	}
	fe, err := wire.Listen("127.0.0.1:0", wire.ConnConfig{Key: clusterKey})
	require.NoError(t, err)
	defer func() { cancel(); fe.Close(); wg.Wait() }()

	var mu sync.Mutex
	replies := map[uint64][]byte{}
	view, primary := uint64(0), 0
	go func() {
		var in []wire.In
		for {
			var err error
			if in, err = fe.Read(in[:0]); err != nil {
				return
			}
			mu.Lock()
			for _, e := range in {
				switch m := e.Pkt.Msg.(type) {
				case *wire.Reply:
					replies[m.ID] = m.Body
				case *wire.Primary:
					if m.View >= view && m.Primary != 0 {
						view, primary = m.View, int(m.Primary)-21
					}
				}
			}
			mu.Unlock()
		}
	}()

	const total = 300
	sentAt := map[uint64]time.Time{}
	tries := map[uint64]int{}
	killed := false
	deadline := time.Now().Add(60 * time.Second)
	next := uint64(1)
	for {
		mu.Lock()
		done := len(replies)
		v, p := view, primary
		mu.Unlock()
		if done == total {
			break
		}
		require.True(t, time.Now().Before(deadline), "only %d of %d answered", done, total)
		if !killed && done >= total/2 {
			killed = true
			nodes[p].Replica().Kill()
		}
		for next <= total && len(sentAt) < 8 {
			sentAt[next] = time.Time{}
			next++
		}
		for id, at := range sentAt {
			mu.Lock()
			_, ok := replies[id]
			mu.Unlock()
			if ok {
				delete(sentAt, id)
				continue
			}
			if time.Since(at) < 30*time.Millisecond {
				continue
			}
			sentAt[id] = time.Now()
			tries[id]++
			if tries[id]%10 == 0 { // 300 ms without an answer: suspect the primary
				for _, m := range members {
					require.NoError(t, fe.Send(m.Addr, wire.Packet{Sender: 100, Msg: &wire.PrimaryQuery{View: v, Suspect: members[p].ID}}))
				}
				continue
			}
			q := &wire.Request{FE: 100, ID: id, ReplyTo: fe.LocalAddr(), Service: "justhungry", Operation: "placeOrder",
				Args: binary.BigEndian.AppendUint64(nil, id)}
			require.NoError(t, fe.Send(members[p].Addr, wire.Packet{Sender: 100, Msg: q}))
		}
		fe.Flush()
		time.Sleep(time.Millisecond)
	}
	require.True(t, killed)

	// Every replica ends with the same state, in which each request ran once.
	var snaps [][]byte
	require.Eventually(t, func() bool {
		snaps = snaps[:0]
		for _, n := range nodes {
			ch := make(chan []byte, 1)
			p := n.Replica()
			if p == nil {
				return false
			}
			p.Snapshot(func(b []byte, err error) { ch <- b })
			p.Flush()
			snaps = append(snaps, <-ch)
		}
		return string(snaps[0]) == string(snaps[1]) && string(snaps[1]) == string(snaps[2])
	}, 10*time.Second, 20*time.Millisecond, "replicas differ: %x", snaps)
	require.Len(t, snaps[0], 40)
	assert.Equal(t, uint64(total), binary.BigEndian.Uint64(snaps[0][32:]), "each request executed exactly once")
	var st []string
	for _, n := range nodes {
		st = append(st, fmt.Sprintf("%+v", n.Status()))
	}
	t.Log(st)
	restarts := uint64(0)
	for _, n := range nodes {
		restarts += n.Status().Restarts
	}
	assert.Equal(t, uint64(1), restarts)
}
