package rm

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

var peers = []Peer{
	{ID: 12, Addr: netip.MustParseAddrPort("127.0.0.1:12")},
	{ID: 13, Addr: netip.MustParseAddrPort("127.0.0.1:13")},
	{ID: 14, Addr: netip.MustParseAddrPort("127.0.0.1:14")},
}

func sends[T wire.Msg](outs []Output) map[netip.AddrPort]T {
	got := map[netip.AddrPort]T{}
	for _, o := range outs {
		if s, ok := o.(Send); ok {
			if m, ok := s.Pkt.Msg.(T); ok {
				got[s.To] = m
			}
		}
	}
	return got
}

func from(id uint32, m wire.Msg) Recv {
	return Recv{Pkt: wire.Packet{Sender: id, Msg: m}}
}

func TestTransferPicksTheQuorumDigest(t *testing.T) {
	snap := bytes.Repeat([]byte("state"), wire.MaxStateChunk/5+100) // two chunks
	good, bad := [32]byte{1}, [32]byte{2}
	tr := NewTransfer(TransferConfig{Self: 11, Sequencer: seqAddr, SequencerID: 1, Peers: peers, Quorum: 2})

	outs := tr.Start(0, 0, 77)
	require.Equal(t, map[netip.AddrPort]*wire.Request{seqAddr: wire.CheckpointRequest(11, 77)}, sends[*wire.Request](outs))
	assert.Len(t, sends[*wire.Request](tr.Step(Tick{Now: 25 * time.Millisecond})), 1, "resent until acknowledged")
	outs = tr.Step(from(1, &wire.RequestAck{FE: 11, Acks: []wire.AckEntry{{ID: 77, Seq: 40}}}))
	assert.Len(t, sends[*wire.StateQuery](outs), 3)

	assert.Empty(t, tr.Step(from(13, &wire.StateOffer{Seq: 40, Size: 9, Digest: bad})))
	assert.Empty(t, tr.Step(from(12, &wire.StateOffer{Seq: 39, Size: uint32(len(snap)), Digest: good})), "wrong checkpoint")
	assert.Empty(t, tr.Step(from(99, &wire.StateOffer{Seq: 40, Size: uint32(len(snap)), Digest: good})), "not a peer")
	assert.Empty(t, tr.Step(from(12, &wire.StateOffer{Seq: 40, Size: uint32(len(snap)), Digest: good})))
	outs = tr.Step(from(14, &wire.StateOffer{Seq: 40, Size: uint32(len(snap)), Digest: good}))
	fetches := sends[*wire.StateFetch](outs)
	require.Len(t, fetches, 1)
	assert.NotContains(t, fetches, peers[1].Addr, "the liar is never a source")

	chunk := func(sender uint32, i int) Recv {
		end := min(len(snap), (i+1)*wire.MaxStateChunk)
		return from(sender, &wire.StateChunk{Seq: 40, Offset: uint32(i * wire.MaxStateChunk), Total: uint32(len(snap)), Data: snap[i*wire.MaxStateChunk : end]})
	}
	assert.Empty(t, tr.Step(chunk(13, 1)), "chunk from a peer that offered another digest")
	assert.Empty(t, tr.Step(chunk(14, 1)))
	assert.Empty(t, tr.Step(chunk(14, 1)), "duplicate chunk")
	outs = tr.Step(chunk(12, 0))
	require.Equal(t, []Output{Loaded{Seq: 40, Snapshot: snap, Digest: good}}, outs)
	assert.False(t, tr.Active())
}

func TestTransferWithKnownCheckpointAndEmptyState(t *testing.T) {
	tr := NewTransfer(TransferConfig{Self: 11, Peers: peers, Quorum: 2})
	assert.Len(t, sends[*wire.StateQuery](tr.Start(0, 5, 0)), 3)
	tr.Step(from(12, &wire.StateOffer{Seq: 5, Digest: [32]byte{9}}))
	outs := tr.Step(from(13, &wire.StateOffer{Seq: 5, Digest: [32]byte{9}}))
	assert.Equal(t, []Output{Loaded{Seq: 5, Snapshot: []byte{}, Digest: [32]byte{9}}}, outs)
}

func TestTransferAsksForFreshCheckpointWithoutQuorum(t *testing.T) {
	tr := NewTransfer(TransferConfig{Self: 11, Sequencer: seqAddr, SequencerID: 1, Peers: peers, Quorum: 2, MaxRetries: 3, Retry: time.Millisecond})
	tr.Start(0, 0, 5)
	tr.Step(from(1, &wire.RequestAck{FE: 11, Acks: []wire.AckEntry{{ID: 5, Seq: 40}}}))
	var reqs map[netip.AddrPort]*wire.Request
	for now := time.Duration(1); now < 10 && len(reqs) == 0; now++ {
		reqs = sends[*wire.Request](tr.Step(Tick{Now: now * time.Millisecond}))
	}
	require.Len(t, reqs, 1)
	assert.Equal(t, uint64(6), reqs[seqAddr].ID, "a new request id, so the sequencer numbers it anew")
}
