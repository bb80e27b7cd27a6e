package sequencer

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

var (
	feAddr = netip.MustParseAddrPort("127.0.0.1:100")
	rmAddr = []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:11"), netip.MustParseAddrPort("127.0.0.1:12")}
)

func newSeq(cfg Config) *Sequencer {
	cfg.ID = 1
	cfg.RMs = []RM{{ID: 11, Addr: rmAddr[0]}, {ID: 12, Addr: rmAddr[1]}}
	return New(cfg)
}

func req(fe uint32, id uint64) Recv {
	return Recv{From: feAddr, Pkt: wire.Packet{Sender: fe, Msg: &wire.Request{FE: fe, ID: id, Service: "s", Operation: "op", Args: []byte{byte(id)}}}}
}

func fromRM(i int, m wire.Msg) Recv {
	return Recv{From: rmAddr[i], Pkt: wire.Packet{Sender: uint32(11 + i), Msg: m}}
}

// sequenced collects the (seq -> request id) pairs multicast in outs.
func sequenced(outs []Output, toRMs bool) map[uint64]uint64 {
	got := map[uint64]uint64{}
	for _, o := range outs {
		if s, ok := o.Pkt.Msg.(*wire.Sequenced); ok && o.ToRMs == toRMs {
			for i, q := range s.Requests {
				got[s.First+uint64(i)] = q.ID
			}
		}
	}
	return got
}

func acks(outs []Output) []wire.AckEntry {
	var a []wire.AckEntry
	for _, o := range outs {
		if r, ok := o.Pkt.Msg.(*wire.RequestAck); ok {
			a = append(a, r.Acks...)
		}
	}
	return a
}

func TestNumbersInArrivalOrderAndBatches(t *testing.T) {
	cases := []struct {
		name     string
		maxBatch int
		n        int
		batches  int
	}{
		{"batched", 0, 10, 1},
		{"unbatched", 1, 10, 10},
		{"batches of 4", 4, 10, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSeq(Config{MaxBatch: c.maxBatch})
			for i := 1; i <= c.n; i++ {
				assert.Empty(t, s.Step(req(7, uint64(100+i))), "nothing goes out before the flush")
			}
			outs := s.Step(Flush{})
			got := sequenced(outs, true)
			require.Len(t, got, c.n)
			for i := 1; i <= c.n; i++ {
				assert.Equal(t, uint64(100+i), got[uint64(i)])
			}
			assert.Equal(t, uint64(c.batches), s.Stats().Batches)
			assert.Len(t, acks(outs), c.n)
		})
	}
}

func TestRetransmittedRequestKeepsItsNumber(t *testing.T) {
	s := newSeq(Config{})
	s.Step(req(7, 1))
	s.Step(req(8, 1)) // same id, other FE: a different request
	s.Step(Flush{})
	s.Step(req(7, 1))
	outs := s.Step(Flush{})
	assert.Equal(t, []wire.AckEntry{{ID: 1, Seq: 1}}, acks(outs))
	assert.Empty(t, sequenced(outs, true), "a duplicate is not multicast again")
	st := s.Stats()
	assert.Equal(t, uint64(2), st.Requests)
	assert.Equal(t, uint64(1), st.Duplicates)
}

func TestRefusesForgedOrForgottenRequests(t *testing.T) {
	cases := []struct {
		name string
		ev   Recv
	}{
		{"fe id differs from sender", Recv{From: feAddr, Pkt: wire.Packet{Sender: 9, Msg: &wire.Request{FE: 7, ID: 1}}}},
		{"ack from unknown rm", Recv{From: feAddr, Pkt: wire.Packet{Sender: 99, Msg: &wire.Ack{Delivered: 1}}}},
		{"reply is not for the sequencer", Recv{From: feAddr, Pkt: wire.Packet{Sender: 11, Msg: &wire.Reply{}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSeq(Config{})
			s.Step(c.ev)
			assert.Empty(t, s.Step(Flush{}))
			st := s.Stats()
			assert.Equal(t, uint64(0), st.Requests)
			assert.Equal(t, uint64(1), st.Refused+st.Unexpected)
		})
	}
	t.Run("id older than the dedupe memory", func(t *testing.T) {
		s := newSeq(Config{DedupePerFE: 2})
		for id := uint64(1); id <= 3; id++ {
			s.Step(req(7, id))
		}
		s.Step(Flush{})
		s.Step(req(7, 1)) // forgotten: must not get a second number
		assert.Empty(t, sequenced(s.Step(Flush{}), true))
		assert.Equal(t, uint64(1), s.Stats().Stale)
		assert.Equal(t, uint64(3), s.Stats().LastSeq)
	})
}

func TestNakRetransmitsAndCatchUp(t *testing.T) {
	s := newSeq(Config{BufferSize: 4, EvictQuorum: 1})
	for id := uint64(1); id <= 6; id++ {
		s.Step(req(7, id))
		s.Step(Flush{})
		s.Step(fromRM(1, &wire.Ack{Delivered: id})) // rm 12 keeps up, rm 11 lags
	}
	// The buffer holds 3..6 only: asking for 2..4 resends 3..4 and says catch up.
	outs := s.Step(fromRM(0, &wire.Nak{Ranges: []wire.Range{{From: 2, To: 4}}}))
	assert.Equal(t, map[uint64]uint64{3: 3, 4: 4}, sequenced(outs, false))
	var cu *wire.CatchUp
	for _, o := range outs {
		if c, ok := o.Pkt.Msg.(*wire.CatchUp); ok {
			cu = c
			assert.Equal(t, rmAddr[0], o.To)
		}
		if _, ok := o.Pkt.Msg.(*wire.Sequenced); ok {
			assert.Equal(t, wire.FlagRetransmit, o.Pkt.Flags)
		}
	}
	require.NotNil(t, cu)
	assert.Equal(t, wire.CatchUp{Low: 3, High: 6}, *cu)
	assert.Equal(t, uint64(2), s.Stats().Evicted)
}

func TestTrimWaitsForEveryLiveRM(t *testing.T) {
	s := newSeq(Config{RMTimeout: 100 * time.Millisecond})
	for id := uint64(1); id <= 5; id++ {
		s.Step(req(7, id))
	}
	s.Step(Flush{})
	s.Step(fromRM(0, &wire.Ack{Delivered: 5}))
	assert.Equal(t, uint64(5), s.Stats().Buffered, "rm 12 has not acknowledged")
	s.Step(fromRM(1, &wire.Ack{Delivered: 3}))
	assert.Equal(t, uint64(2), s.Stats().Buffered)
	// rm 12 falls silent: after the timeout it no longer holds the buffer.
	s.Step(Tick{Now: 50 * time.Millisecond})
	s.Step(fromRM(0, &wire.Ack{Delivered: 5}))
	assert.Equal(t, uint64(2), s.Stats().Buffered)
	s.Step(Tick{Now: 200 * time.Millisecond})
	s.Step(fromRM(0, &wire.Ack{Delivered: 5}))
	assert.Equal(t, uint64(0), s.Stats().Buffered)
	// An ack beyond what was sent cannot trim unsent requests.
	s.Step(req(7, 6))
	s.Step(fromRM(0, &wire.Ack{Delivered: 100}))
	s.Step(Tick{Now: 201 * time.Millisecond})
	assert.Equal(t, uint64(1), s.Stats().Buffered)
}

func TestHeartbeatOnlyToLaggingRMs(t *testing.T) {
	s := newSeq(Config{HeartbeatInterval: 5 * time.Millisecond})
	s.Step(req(7, 1))
	s.Step(Flush{})
	s.Step(fromRM(0, &wire.Ack{Delivered: 1}))
	assert.Empty(t, s.Step(Tick{Now: 2 * time.Millisecond}), "too soon after the multicast")
	outs := s.Step(Tick{Now: 6 * time.Millisecond})
	require.Len(t, outs, 1)
	assert.Equal(t, rmAddr[1], outs[0].To)
	assert.Equal(t, &wire.Heartbeat{Seq: 1}, outs[0].Pkt.Msg)
}

func TestFullBufferPushesBack(t *testing.T) {
	s := newSeq(Config{BufferSize: 2, EvictQuorum: 1})
	for id := uint64(1); id <= 3; id++ {
		s.Step(req(7, id))
	}
	outs := s.Step(Flush{})
	assert.Len(t, acks(outs), 2, "no RM has delivered 1, so 3 cannot evict it")
	assert.Equal(t, uint64(1), s.Stats().Backpressure)
	s.Step(fromRM(0, &wire.Ack{Delivered: 1}))
	s.Step(req(7, 3))
	assert.Equal(t, []wire.AckEntry{{ID: 3, Seq: 3}}, acks(s.Step(Flush{})))
}

// With the default quorum (f+1 = 2) one RM racing ahead is not enough to
// evict: otherwise the laggards could only take the state from that one RM,
// and state transfer needs f+1 matching digests.
func TestFullBufferEvictsOnlyWhatAQuorumDelivered(t *testing.T) {
	s := newSeq(Config{BufferSize: 2})
	for id := uint64(1); id <= 2; id++ {
		s.Step(req(7, id))
	}
	s.Step(Flush{})
	s.Step(fromRM(1, &wire.Ack{Delivered: 2}))
	s.Step(req(7, 3))
	assert.Empty(t, acks(s.Step(Flush{})), "one RM alone has delivered 1")
	assert.Equal(t, uint64(1), s.Stats().Backpressure)
	s.Step(fromRM(0, &wire.Ack{Delivered: 1}))
	s.Step(req(7, 3))
	assert.Equal(t, []wire.AckEntry{{ID: 3, Seq: 3}}, acks(s.Step(Flush{})), "both delivered 1: room again")
}
