package rm

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

var seqAddr = netip.MustParseAddrPort("127.0.0.1:1")

func newDelivery() *Delivery {
	return New(Config{ID: 11, SequencerID: 1, Sequencer: seqAddr, Window: 16})
}

func batch(first uint64, n int) Recv {
	s := &wire.Sequenced{First: first}
	for i := 0; i < n; i++ {
		s.Requests = append(s.Requests, wire.Request{FE: 7, ID: 1000 + first + uint64(i)})
	}
	return Recv{From: seqAddr, Pkt: wire.Packet{Sender: 1, Msg: s}}
}

func delivered(outs []Output) []uint64 {
	var seqs []uint64
	for _, o := range outs {
		if d, ok := o.(Deliver); ok {
			seqs = append(seqs, d.Seq)
		}
	}
	return seqs
}

func naks(outs []Output) []wire.Range {
	var r []wire.Range
	for _, o := range outs {
		if s, ok := o.(Send); ok {
			if n, ok := s.Pkt.Msg.(*wire.Nak); ok {
				r = append(r, n.Ranges...)
			}
		}
	}
	return r
}

func TestDeliversInOrderExactlyOnce(t *testing.T) {
	cases := []struct {
		name    string
		batches []Recv
		want    []uint64
	}{
		{"in order", []Recv{batch(1, 2), batch(3, 1)}, []uint64{1, 2, 3}},
		{"reordered", []Recv{batch(3, 2), batch(2, 1), batch(1, 1)}, []uint64{1, 2, 3, 4}},
		{"duplicated", []Recv{batch(1, 2), batch(1, 2), batch(2, 2)}, []uint64{1, 2, 3}},
		{"gap holds back", []Recv{batch(1, 1), batch(3, 1)}, []uint64{1}},
		{"beyond the window is dropped", []Recv{batch(20, 1), batch(1, 1)}, []uint64{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDelivery()
			var got []uint64
			for _, b := range c.batches {
				got = append(got, delivered(d.Step(b))...)
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestIgnoresSequencedFromOthers(t *testing.T) {
	d := newDelivery()
	b := batch(1, 1)
	b.Pkt.Sender = 12
	assert.Empty(t, delivered(d.Step(b)))
	assert.Equal(t, uint64(1), d.Stats().Unexpected)
}

func TestNaksGapsAfterDelay(t *testing.T) {
	d := newDelivery()
	d.Step(batch(1, 1))
	d.Step(batch(4, 1))
	d.Step(batch(7, 1))
	assert.Empty(t, naks(d.Step(Tick{Now: 500 * time.Microsecond})), "reordering gets a grace period")
	want := []wire.Range{{From: 2, To: 3}, {From: 5, To: 6}}
	assert.Equal(t, want, naks(d.Step(Tick{Now: 2 * time.Millisecond})))
	assert.Empty(t, naks(d.Step(Tick{Now: 3 * time.Millisecond})), "NAKs are paced")
	assert.Equal(t, want, naks(d.Step(Tick{Now: 8 * time.Millisecond})))
	// A heartbeat reveals a lost tail.
	d.Step(batch(2, 2))
	d.Step(batch(5, 2))
	d.Step(Recv{From: seqAddr, Pkt: wire.Packet{Sender: 1, Msg: &wire.Heartbeat{Seq: 9}}})
	assert.Equal(t, []wire.Range{{From: 8, To: 9}}, naks(d.Step(Tick{Now: 20 * time.Millisecond})))
}

func TestCatchUpSuspendsUntilRestored(t *testing.T) {
	d := newDelivery()
	d.Step(batch(1, 1))
	outs := d.Step(Recv{From: seqAddr, Pkt: wire.Packet{Sender: 1, Msg: &wire.CatchUp{Low: 5, High: 8}}})
	require.Contains(t, outs, Output(NeedState{Next: 2, Low: 5, High: 8}))
	assert.True(t, d.Transferring())
	assert.Empty(t, delivered(d.Step(batch(5, 2))), "held back during the transfer")
	assert.Empty(t, naks(d.Step(Tick{Now: time.Second})), "no NAKs for what the transfer covers")
	got := delivered(d.Step(Restored{Seq: 4}))
	assert.Equal(t, []uint64{5, 6}, got)
	assert.False(t, d.Transferring())
}

func TestSuspendAndStaleRestore(t *testing.T) {
	d := newDelivery()
	d.Step(batch(1, 3))
	d.Step(Suspend{})
	assert.Empty(t, delivered(d.Step(batch(4, 2))))
	assert.Empty(t, delivered(d.Step(Restored{Seq: 1})), "state older than what was delivered")
	assert.True(t, d.Transferring())
	assert.Equal(t, []uint64{5}, delivered(d.Step(Restored{Seq: 4})), "restored state covers 4")
}

func TestAcksCumulatively(t *testing.T) {
	d := New(Config{ID: 11, SequencerID: 1, Sequencer: seqAddr, Window: 16, AckEvery: 3})
	var acked []uint64
	collect := func(outs []Output) {
		for _, o := range outs {
			if s, ok := o.(Send); ok {
				if a, ok := s.Pkt.Msg.(*wire.Ack); ok {
					acked = append(acked, a.Delivered)
				}
			}
		}
	}
	collect(d.Step(batch(1, 2)))
	collect(d.Step(batch(3, 2)))
	assert.Equal(t, []uint64{4}, acked, "after 3 deliveries")
	collect(d.Step(Tick{Now: 10 * time.Millisecond}))
	assert.Equal(t, []uint64{4}, acked, "nothing new: no ack yet")
	collect(d.Step(batch(5, 1)))
	collect(d.Step(Tick{Now: 20 * time.Millisecond}))
	assert.Equal(t, []uint64{4, 5}, acked, "on the timer")
	collect(d.Step(Tick{Now: 200 * time.Millisecond}))
	assert.Equal(t, []uint64{4, 5, 5}, acked, "idle keep-alive")
}

func TestFaultReportsArePassedOn(t *testing.T) {
	d := newDelivery()
	fr := wire.FaultReport{Replica: 3, Seq: 9, Kind: wire.FaultMissing}
	outs := d.Step(Recv{From: seqAddr, Pkt: wire.Packet{Sender: 7, Msg: &fr}})
	assert.Equal(t, []Output{Fault{From: seqAddr, Report: fr}}, outs)
}
