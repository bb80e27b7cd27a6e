package rm

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
	"concord/replicas"
	"concord/sequencer"
)

func TestFaultCtlAdmit(t *testing.T) {
	type step struct {
		sender uint32
		id     uint64
		want   ctlVerdict
		finish *wire.FaultCtlAck // answer recorded right after, if any
		retry  bool              // the answer is a passing failure
	}
	ok := func(id uint64) *wire.FaultCtlAck { return &wire.FaultCtlAck{ID: id, OK: true, Text: "done"} }
	failed := func(id uint64) *wire.FaultCtlAck { return &wire.FaultCtlAck{ID: id, Text: "no replica"} }
	cases := []struct {
		name  string
		steps []step
		stats FaultCtlStats
	}{
		{"operator applies", []step{{wire.OperatorID, 1, ctlApply, ok(1), false}}, FaultCtlStats{Applied: 1}},
		{"allowed FE applies", []step{{100, 1, ctlApply, ok(1), false}}, FaultCtlStats{Applied: 1}},
		{"stranger refused", []step{{11, 1, ctlRefuse, nil, false}, {0, 1, ctlRefuse, nil, false}}, FaultCtlStats{Refused: 2}},
		{"retry while in progress", []step{{wire.OperatorID, 1, ctlApply, nil, false}, {wire.OperatorID, 1, ctlPending, ok(1), false}},
			FaultCtlStats{Applied: 1, Duplicates: 1}},
		{"retry after answer resends", []step{{wire.OperatorID, 1, ctlApply, ok(1), false}, {wire.OperatorID, 1, ctlResend, nil, false}},
			FaultCtlStats{Applied: 1, Duplicates: 1}},
		{"same id other sender is new", []step{{wire.OperatorID, 1, ctlApply, ok(1), false}, {100, 1, ctlApply, ok(1), false}},
			FaultCtlStats{Applied: 2}},
		{"passing failure forgotten", []step{{wire.OperatorID, 1, ctlApply, failed(1), true}, {wire.OperatorID, 1, ctlApply, ok(1), false}},
			FaultCtlStats{Applied: 1, Failed: 1}},
		{"final failure remembered", []step{{wire.OperatorID, 1, ctlApply, failed(1), false}, {wire.OperatorID, 1, ctlResend, nil, false}},
			FaultCtlStats{Failed: 1, Duplicates: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &faultCtl{allowed: []uint32{100}}
			var last *wire.FaultCtlAck
			for i, s := range tc.steps {
				v, prev := f.admit(s.sender, s.id)
				require.Equal(t, s.want, v, "step %d", i)
				if v == ctlResend {
					require.Equal(t, last, prev, "step %d resends the recorded answer", i)
				}
				if s.finish != nil {
					f.finish(s.sender, *s.finish, s.retry)
					last = s.finish
				}
			}
			assert.Equal(t, tc.stats, f.stats)
		})
	}
}

func TestFaultCtlRemembersBoundedly(t *testing.T) {
	f := &faultCtl{}
	for id := uint64(1); id <= 3*maxCtlRemembered; id++ {
		v, _ := f.admit(wire.OperatorID, id)
		require.Equal(t, ctlApply, v)
		f.finish(wire.OperatorID, wire.FaultCtlAck{ID: id, OK: true}, false)
	}
	assert.Len(t, f.answers, maxCtlRemembered)
	assert.Len(t, f.order, maxCtlRemembered)
	v, _ := f.admit(wire.OperatorID, 3*maxCtlRemembered)
	assert.Equal(t, ctlResend, v, "the newest command is still remembered")
}

// TestFaultCtlOverUDP drives real RMs with real replica processes.
func TestFaultCtlOverUDP(t *testing.T) {
	c := startCluster(t, 4, 0, sequencer.Config{})
	op, err := wire.Listen("127.0.0.1:0", wire.ConnConfig{Key: clusterKey})
	require.NoError(t, err)
	t.Cleanup(func() { op.Close() })
	ask := func(node *Node, sender uint32, id uint64, mode string) (wire.FaultCtlAck, error) {
		return SendFaultCtl(op, sender, node.cfg.ID, node.Addr(), wire.FaultCtl{ID: id, Mode: mode}, 50*time.Millisecond, 2*time.Second)
	}
	n0, n1, n2 := c.nodes[0], c.nodes[1], c.nodes[2]

	t.Run("wrong corrupts replies", func(t *testing.T) {
		a, err := ask(n1, wire.OperatorID, 1, "wrong")
		require.NoError(t, err)
		require.True(t, a.OK, a.Text)
		assert.Contains(t, a.Text, "now wrong")
		// The same call on a correct replica in the same state answers otherwise.
		q := &replicas.Request{Operation: "op", Args: []byte("x")}
		assert.NotEqual(t, execSync(t, n2.Replica(), q), execSync(t, n1.Replica(), q))
		a, err = ask(n1, wire.OperatorID, 2, "correct")
		require.NoError(t, err)
		require.True(t, a.OK, a.Text)
		assert.Equal(t, execSync(t, n2.Replica(), q), execSync(t, n1.Replica(), q))
	})

	t.Run("retry applied once", func(t *testing.T) {
		before := n1.Status().FaultCtl
		a1, err := ask(n1, wire.OperatorID, 3, "slow:1ms")
		require.NoError(t, err)
		a2, err := ask(n1, wire.OperatorID, 3, "slow:1ms")
		require.NoError(t, err)
		assert.Equal(t, a1, a2)
		after := n1.Status().FaultCtl
		assert.Equal(t, before.Applied+1, after.Applied)
		assert.Equal(t, before.Duplicates+1, after.Duplicates)
	})

	t.Run("bad mode answered with an error", func(t *testing.T) {
		a, err := ask(n1, wire.OperatorID, 4, "explode")
		require.NoError(t, err)
		assert.False(t, a.OK)
		assert.Contains(t, a.Text, "unknown fault mode")
		assert.Equal(t, uint64(1), n1.Status().FaultCtl.Failed)
	})

	t.Run("forged sender dropped and counted", func(t *testing.T) {
		_, err := SendFaultCtl(op, 999, n1.cfg.ID, n1.Addr(), wire.FaultCtl{ID: 5, Mode: "crash"}, 50*time.Millisecond, 300*time.Millisecond)
		require.ErrorIs(t, err, ErrNoFaultAck)
		assert.GreaterOrEqual(t, n1.Status().FaultCtl.Refused, uint64(1)) // one per resend
	})

	t.Run("wrong key dropped and counted", func(t *testing.T) {
		bad, err := wire.Listen("127.0.0.1:0", wire.ConnConfig{Key: wire.NewKey([]byte("not the cluster key"))})
		require.NoError(t, err)
		defer bad.Close()
		before := n1.Status().Conn.Dropped[wire.ReasonMAC]
		_, err = SendFaultCtl(bad, wire.OperatorID, n1.cfg.ID, n1.Addr(), wire.FaultCtl{ID: 6, Mode: "crash"}, 50*time.Millisecond, 300*time.Millisecond)
		require.ErrorIs(t, err, ErrNoFaultAck)
		assert.Greater(t, n1.Status().Conn.Dropped[wire.ReasonMAC], before)
	})

	t.Run("crash then a fresh correct replica", func(t *testing.T) {
		old := n0.Replica()
		a, err := ask(n0, wire.OperatorID, 7, "crash")
		require.NoError(t, err)
		require.True(t, a.OK, a.Text)
		_, err = old.Digest() // the next call finds the replica gone
		require.Error(t, err)
		require.Eventually(t, func() bool {
			p := n0.Replica()
			return n0.Status().Restarts == 1 && p != nil && p.Pid() != old.Pid()
		}, 5*time.Second, 10*time.Millisecond)
		_, err = n0.Replica().Digest() // would exit again if the mode had survived
		require.NoError(t, err)
		assert.Equal(t, uint64(1), n0.Status().Restarts)
	})
}

func execSync(t *testing.T, p *Proc, q *replicas.Request) []byte {
	t.Helper()
	require.NotNil(t, p)
	ch := make(chan []byte, 1)
	p.Execute(q, func(r replicas.Reply, err error) {
		assert.NoError(t, err) // not require: this runs on the replica's reader goroutine
		ch <- r.Body
	})
	p.Flush()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("replica did not answer")
		return nil
	}
}

// TestFaultCtlPassiveRM: a primary-backup RM takes the same commands, from
// an allowed FE id too, and restarts a crashed replica as a fresh process.
func TestFaultCtlPassiveRM(t *testing.T) {
	c, err := wire.Listen("127.0.0.1:0", wire.ConnConfig{Key: clusterKey})
	require.NoError(t, err)
	argv, env := replicaCmd(t)
	n, err := NewPBNode(PBNodeConfig{ID: 21, Conn: c, Members: []Peer{{ID: 21, Addr: c.LocalAddr()}},
		ReplicaCmd: argv, ReplicaEnv: env, Operators: []uint32{100}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = n.Run(ctx) }()
	op, err := wire.Listen("127.0.0.1:0", wire.ConnConfig{Key: clusterKey})
	require.NoError(t, err)
	defer func() { cancel(); op.Close(); <-done }()

	old := n.Replica()
	a, err := SendFaultCtl(op, 100, 21, n.Addr(), wire.FaultCtl{ID: 1, Mode: "crash"}, 50*time.Millisecond, 2*time.Second)
	require.NoError(t, err)
	require.True(t, a.OK, a.Text)
	_, err = old.Digest()
	require.Error(t, err, "the replica crashes on its next call")
	require.Eventually(t, func() bool {
		p := n.Replica()
		return n.Status().Restarts == 1 && p != nil && p.Pid() != old.Pid()
	}, 5*time.Second, 10*time.Millisecond)
	_, err = n.Replica().Digest()
	require.NoError(t, err, "the restarted replica starts correct")
	assert.Equal(t, FaultCtlStats{Applied: 1}, n.Status().FaultCtl)
}
