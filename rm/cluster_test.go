package rm

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
	"concord/sequencer"
)

var clusterKey = wire.NewKey([]byte("cluster test key"))

// testCluster is a sequencer and RMs on real loopback UDP sockets in this
// process, each RM running its replica as a child process.
type testCluster struct {
	seq   *sequencer.Server
	nodes []*Node
	mcast []*wire.Conn // the RMs' multicast sockets, if multicasting
	fe    *testFE
}

func startCluster(t *testing.T, n int, drop float64, seqCfg sequencer.Config) *testCluster {
	t.Helper()
	return startClusterWith(t, n, drop, seqCfg, netip.AddrPort{})
}

// startClusterWith is startCluster with the sequencer multicasting to group
// (on lo) if it is valid.
func startClusterWith(t *testing.T, n int, drop float64, seqCfg sequencer.Config, group netip.AddrPort) *testCluster {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	cc := wire.ConnConfig{Key: clusterKey, DropRate: drop}
	seqConn, err := wire.Listen("127.0.0.1:0", cc)
	require.NoError(t, err)
	conns := make([]*wire.Conn, n)
	peers := make([]Peer, n)
	for i := range conns {
		conns[i], err = wire.Listen("127.0.0.1:0", cc)
		require.NoError(t, err)
		peers[i] = Peer{ID: uint32(11 + i), Addr: conns[i].LocalAddr()}
		seqCfg.RMs = append(seqCfg.RMs, sequencer.RM{ID: peers[i].ID, Addr: peers[i].Addr})
	}
	seqCfg.ID = 1
	c := &testCluster{}
	c.seq, err = sequencer.Listen(sequencer.ServerConfig{Sequencer: seqCfg, Conn: seqConn, Logger: log, Multicast: group})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = c.seq.Serve(ctx) }()
	argv, env := replicaCmd(t)
	for i := range conns {
		var others []Peer
		for j, p := range peers {
			if j != i {
				others = append(others, p)
			}
		}
		node, err := NewNode(NodeConfig{ID: peers[i].ID, Conn: conns[i], Sequencer: c.seq.Addr(), SequencerID: 1,
			Peers: others, F: 1, ReplicaCmd: argv, ReplicaEnv: env, Logger: log})
		require.NoError(t, err)
		c.nodes = append(c.nodes, node)
		wg.Add(1)
		go func() { defer wg.Done(); _ = node.Run(ctx) }()
		if group.IsValid() {
			mc, err := wire.ListenMulticast(group, "lo", cc)
			require.NoError(t, err)
			c.mcast = append(c.mcast, mc)
			wg.Add(1)
			go func() { defer wg.Done(); _ = node.ServeMulticast(ctx, mc) }()
		}
	}
	c.fe = newTestFE(t, 100, c.seq.Addr())
	t.Cleanup(func() {
		cancel()
		c.fe.conn.Close()
		wg.Wait()
	})
	return c
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

// testFE submits requests to the sequencer, retransmitting until they are
// acknowledged, and collects the replicas' replies.
type testFE struct {
	t    *testing.T
	id   uint32
	conn *wire.Conn
	seq  netip.AddrPort

	mu      sync.Mutex
	pending map[uint64]*wire.Request
	acked   map[uint64]uint64            // request id -> sequence number
	replies map[uint64]map[uint32][]byte // seq -> replica -> body
	nextID  uint64
}

func newTestFE(t *testing.T, id uint32, seq netip.AddrPort) *testFE {
	c, err := wire.Listen("127.0.0.1:0", wire.ConnConfig{Key: clusterKey})
	require.NoError(t, err)
	fe := &testFE{t: t, id: id, conn: c, seq: seq, pending: map[uint64]*wire.Request{},
		acked: map[uint64]uint64{}, replies: map[uint64]map[uint32][]byte{}}
	go fe.read()
	return fe
}

func (fe *testFE) read() {
	var in []wire.In
	for {
		var err error
		if in, err = fe.conn.Read(in[:0]); err != nil {
			return
		}
		fe.mu.Lock()
		for _, e := range in {
			switch m := e.Pkt.Msg.(type) {
			case *wire.RequestAck:
				for _, a := range m.Acks {
					fe.acked[a.ID] = a.Seq
					delete(fe.pending, a.ID)
				}
			case *wire.Reply:
				if fe.replies[m.Seq] == nil {
					fe.replies[m.Seq] = map[uint32][]byte{}
				}
				fe.replies[m.Seq][m.Replica] = m.Body
			}
		}
		fe.mu.Unlock()
	}
}

func (fe *testFE) submit(op string, args []byte) {
	fe.mu.Lock()
	fe.nextID++
	q := &wire.Request{FE: fe.id, ID: fe.nextID, ReplyTo: fe.conn.LocalAddr(), Service: "chain", Operation: op, Args: args}
	fe.pending[q.ID] = q
	fe.mu.Unlock()
	require.NoError(fe.t, fe.conn.Send(fe.seq, wire.Packet{Sender: fe.id, Msg: q}))
}

func (fe *testFE) submitControl(q *wire.Request) {
	fe.mu.Lock()
	fe.nextID++
	q.ID = fe.nextID
	fe.pending[q.ID] = q
	fe.mu.Unlock()
	require.NoError(fe.t, fe.conn.Send(fe.seq, wire.Packet{Sender: fe.id, Msg: q}))
	fe.conn.Flush()
}

// outstanding resends unacknowledged requests and says how many there are.
func (fe *testFE) outstanding(resend bool) int {
	fe.mu.Lock()
	var qs []*wire.Request
	for _, q := range fe.pending {
		qs = append(qs, q)
	}
	fe.mu.Unlock()
	if resend {
		for _, q := range qs {
			_ = fe.conn.Send(fe.seq, wire.Packet{Sender: fe.id, Flags: wire.FlagRetransmit, Msg: q})
		}
		fe.conn.Flush()
	}
	return len(qs)
}

// run submits n requests with at most window unacknowledged, calling
// midway once after half of them.
func (fe *testFE) run(n, window int, midway func()) {
	lastResend := time.Now()
	deadline := time.Now().Add(90 * time.Second)
	for sent := 0; sent < n || fe.outstanding(false) > 0; {
		require.True(fe.t, time.Now().Before(deadline), "requests not acknowledged in time")
		for sent < n && fe.outstanding(false) < window {
			fe.submit("add", binary.BigEndian.AppendUint64(nil, uint64(sent)))
			sent++
			if sent == n/2 && midway != nil {
				fe.conn.Flush()
				midway()
			}
		}
		fe.conn.Flush()
		if time.Since(lastResend) > 20*time.Millisecond {
			fe.outstanding(true)
			lastResend = time.Now()
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// waitConverged waits until every RM delivered through last and no state
// transfer is under way, then returns the replicas' digests.
func (c *testCluster) waitConverged(t *testing.T, last uint64) [][32]byte {
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok := true
		for _, n := range c.nodes {
			s := n.Status()
			if s.Delivered < last || s.Transferring {
				ok = false
			}
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			for _, n := range c.nodes {
				t.Logf("rm %d: %+v", n.cfg.ID, n.Status())
			}
			st, cs := c.seq.Stats()
			t.Fatalf("not converged at %d: sequencer %+v %+v", last, st, cs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var ds [][32]byte
	for _, n := range c.nodes {
		var d [32]byte
		var err error
		for i := 0; i < 100; i++ { // a replica may be restarting
			if p := n.Replica(); p != nil {
				if d, err = p.Digest(); err == nil {
					break
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		require.NoError(t, err)
		ds = append(ds, d)
	}
	return ds
}

func (c *testCluster) lastSeq() uint64 {
	st, _ := c.seq.Stats()
	return st.LastSeq
}

func TestClusterLossAndReplicaKill(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 2000
	}
	c := startCluster(t, 4, 0.2, sequencer.Config{})
	victim := c.nodes[2]
	var killedPid int
	c.fe.run(n, 500, func() {
		p := victim.Replica()
		require.NotNil(t, p)
		killedPid = p.Pid()
		p.Kill() // SIGKILL: a real process death
	})
	ds := c.waitConverged(t, c.lastSeq())
	for i, d := range ds {
		assert.Equal(t, ds[0], d, "replica of rm %d diverged", 11+i)
	}
	s := victim.Status()
	assert.NotEqual(t, killedPid, s.Pid, "a new replica process runs")
	assert.GreaterOrEqual(t, s.Restarts, uint64(1))
	assert.GreaterOrEqual(t, s.Transfers, uint64(1), "the new replica caught up by state transfer")

	// Every request was numbered once; replicas that answered agree byte for byte.
	c.fe.mu.Lock()
	defer c.fe.mu.Unlock()
	seqs := map[uint64]bool{}
	for _, sq := range c.fe.acked {
		require.False(t, seqs[sq], "sequence number %d given twice", sq)
		seqs[sq] = true
	}
	assert.Len(t, seqs, n)
	disagreements := 0
	for _, byReplica := range c.fe.replies {
		var first []byte
		for _, b := range byReplica {
			if first == nil {
				first = b
			} else if string(first) != string(b) {
				disagreements++
			}
		}
	}
	assert.Zero(t, disagreements)
	st, cs := c.seq.Stats()
	t.Logf("sequencer %+v", st)
	t.Logf("sequencer socket: received %d injected-loss %d, reads %d", cs.Received, cs.Injected, cs.ReadCalls)
	assert.Positive(t, cs.Injected, "loss was injected")
}

func TestClusterReplacesWrongReplica(t *testing.T) {
	c := startCluster(t, 4, 0, sequencer.Config{})
	liar := c.nodes[1]
	require.NoError(t, liar.Replica().SetFault("wrong"))
	oldPid := liar.Replica().Pid()
	c.fe.run(50, 50, nil)
	// The FE (here, the test) reports three wrong answers: every RM reaches
	// the verdict at the same sequence number, and the liar's RM replaces it.
	// Two reports go straight to every RM (twice: duplicates must not count),
	// as the front end sends them; the third through the sequencer.
	for i := 0; i < 2; i++ {
		for _, n := range c.nodes {
			for k := 0; k < 2; k++ {
				require.NoError(t, c.fe.conn.Send(n.Addr(), wire.Packet{Sender: 100,
					Msg: &wire.FaultReport{Replica: liar.cfg.ID, Seq: uint64(10 + i), Kind: wire.FaultWrong}}))
			}
		}
		c.fe.conn.Flush()
	}
	require.Eventually(t, func() bool { return c.nodes[0].Status().Wrong[liar.cfg.ID] == 2 }, 5*time.Second, time.Millisecond)
	c.fe.submitControl(wire.FaultRequest(100, 0, wire.FaultReport{Replica: liar.cfg.ID, Seq: 12, Kind: wire.FaultWrong}))
	c.fe.run(0, 1, nil)
	c.fe.run(50, 50, nil)
	ds := c.waitConverged(t, c.lastSeq())
	for i, d := range ds {
		assert.Equal(t, ds[0], d, "rm %d", 11+i)
	}
	for _, n := range c.nodes {
		assert.Equal(t, uint64(1), n.Status().Replacements, "rm %d saw the verdict", n.cfg.ID)
	}
	s := liar.Status()
	assert.NotEqual(t, oldPid, s.Pid)
	assert.Equal(t, uint64(1), s.Transfers)
	// After the replacement the replica answers like the others again.
	lastSeq := c.lastSeq()
	require.Eventually(t, func() bool {
		c.fe.mu.Lock()
		defer c.fe.mu.Unlock()
		return len(c.fe.replies[lastSeq]) == 4
	}, 5*time.Second, time.Millisecond, "every replica answers the last request")
	c.fe.mu.Lock()
	defer c.fe.mu.Unlock()
	last := c.fe.replies[lastSeq]
	assert.Equal(t, last[11], last[liar.cfg.ID], fmt.Sprint(last))
}

// TestClusterRMRestart loses a whole RM (host and replica), runs on without
// it until the sequencer's small buffer has moved past it, and brings a
// fresh RM up at the same address: it catches up by state transfer.
func TestClusterRMRestart(t *testing.T) {
	c := startCluster(t, 4, 0.05, sequencer.Config{BufferSize: 256, RMTimeout: 100 * time.Millisecond})
	c.fe.run(500, 200, nil)
	old := c.nodes[3]
	addr := old.Addr()
	require.NoError(t, old.Close())
	c.fe.run(1000, 200, nil)

	conn, err := wire.Listen(addr.String(), wire.ConnConfig{Key: clusterKey, DropRate: 0.05})
	require.NoError(t, err)
	argv, env := replicaCmd(t)
	fresh, err := NewNode(NodeConfig{ID: old.cfg.ID, Conn: conn, Sequencer: c.seq.Addr(), SequencerID: 1,
		Peers: old.cfg.Peers, F: 1, ReplicaCmd: argv, ReplicaEnv: env, Logger: old.cfg.Logger})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = fresh.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	c.nodes[3] = fresh

	c.fe.run(300, 200, nil)
	ds := c.waitConverged(t, c.lastSeq())
	for i, d := range ds {
		assert.Equal(t, ds[0], d, "rm %d", 11+i)
	}
	st, _ := c.seq.Stats()
	assert.Positive(t, st.CatchUps, "the fresh RM was told to catch up")
	assert.Positive(t, fresh.Status().Transfers)
}

// TestClusterSuspectedCrash: a replica hangs (slow mode); the FE's
// "missing" reports make its RM probe it, kill it and restart it with
// state transfer.
func TestClusterSuspectedCrash(t *testing.T) {
	c := startCluster(t, 4, 0, sequencer.Config{})
	hung := c.nodes[0]
	oldPid := hung.Replica().Pid()
	require.NoError(t, hung.Replica().SetFault("slow:20s"))
	c.fe.run(20, 20, nil)
	for i := 0; i < 3; i++ { // repeated reports start one probe only
		require.NoError(t, c.fe.conn.Send(hung.Addr(), wire.Packet{Sender: 100,
			Msg: &wire.FaultReport{Replica: hung.cfg.ID, Seq: 5, Kind: wire.FaultMissing}}))
	}
	c.fe.conn.Flush()
	require.Eventually(t, func() bool { return hung.Status().Restarts == 1 }, 5*time.Second, 5*time.Millisecond)
	c.fe.run(20, 20, nil)
	ds := c.waitConverged(t, c.lastSeq())
	for i, d := range ds {
		assert.Equal(t, ds[0], d, "rm %d", 11+i)
	}
	assert.NotEqual(t, oldPid, hung.Status().Pid)
	assert.Equal(t, uint64(1), hung.Status().Transfers)
}
