package rm

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
)

// A three-member group with recorded inputs, driven by hand.
func prepGroup() (peers []Peer, cfg func(self uint32) PBConfig) {
	for i := uint32(0); i < 3; i++ {
		peers = append(peers, Peer{ID: 21 + i, Addr: simAddr(21 + i)})
	}
	return peers, func(self uint32) PBConfig {
		return PBConfig{Self: self, Members: peers, Retry: 10 * time.Millisecond, BackupTimeout: 100 * time.Millisecond, Prepare: true}
	}
}

var feAddr = simAddr(100)

func order(id uint64) *wire.Request {
	return &wire.Request{FE: 100, ID: id, ReplyTo: feAddr, Service: "justhungry", Operation: "placeOrder", Args: []byte("order")}
}

func recv(from Peer, m wire.Msg) Recv {
	return Recv{From: from.Addr, Pkt: wire.Packet{Sender: from.ID, Msg: m}}
}

func fromFE(q *wire.Request) Recv {
	return Recv{From: feAddr, Pkt: wire.Packet{Sender: 100, Msg: q}}
}

// only returns the outputs of type T.
func only[T any](outs []Output) []T {
	var r []T
	for _, o := range outs {
		if v, ok := o.(T); ok {
			r = append(r, v)
		}
	}
	return r
}

// sentTo returns the messages of type T sent to addr.
func sentTo[T wire.Msg](outs []Output, addr netip.AddrPort) []T {
	var r []T
	for _, s := range only[Send](outs) {
		if v, ok := s.Pkt.Msg.(T); ok && s.To == addr {
			r = append(r, v)
		}
	}
	return r
}

// heardFrom makes backups live (heard from now).
func heardFrom(p *PrimaryBackup, peers ...Peer) {
	for _, b := range peers {
		p.Step(recv(b, &wire.PBAck{View: p.View(), Applied: p.Position()}))
	}
}

func TestPrimaryExecutesOnlyAfterEveryLiveBackupRecordedTheInputs(t *testing.T) {
	peers, cfg := prepGroup()
	p := NewPrimaryBackup(cfg(21))
	p.Step(Tick{Now: time.Millisecond})
	heardFrom(p, peers[1], peers[2])

	outs := p.Step(fromFE(order(1)))
	prep := only[Prepare](outs)
	require.Len(t, prep, 1, "a new request is prepared first")
	assert.Empty(t, only[Execute](outs))
	assert.Empty(t, only[Prepare](p.Step(fromFE(order(1)))), "a resent request is not prepared twice")

	addr := []byte("SW1A 1AA, London")
	outs = p.Step(Prepared{FE: 100, ID: 1, Inputs: addr})
	assert.Empty(t, only[Execute](outs), "not before the backups recorded the address")
	for _, b := range peers[1:] {
		in := sentTo[*wire.PBInputs](outs, b.Addr)
		require.Len(t, in, 1, "inputs to backup %d", b.ID)
		assert.Equal(t, &wire.PBInputs{View: 0, FE: 100, ID: 1, Inputs: addr}, in[0])
	}

	assert.Empty(t, only[Execute](p.Step(recv(peers[1], &wire.PBInputsAck{View: 0, FE: 100, ID: 1}))), "one backup of two")
	assert.Empty(t, only[Execute](p.Step(recv(peers[1], &wire.PBInputsAck{View: 0, FE: 100, ID: 1}))), "a duplicate ack counts once")
	assert.Empty(t, only[Execute](p.Step(recv(peers[2], &wire.PBInputsAck{View: 1, FE: 100, ID: 1}))), "an ack of another view")
	ex := only[Execute](p.Step(recv(peers[2], &wire.PBInputsAck{View: 0, FE: 100, ID: 1})))
	require.Len(t, ex, 1)
	assert.Equal(t, uint64(1), ex[0].Num)
	assert.Equal(t, addr, ex[0].Req.Inputs, "the primary replays what the backups recorded")
}

func TestPrimaryExecutesAtOnceWhenNoInputsAreNeeded(t *testing.T) {
	peers, cfg := prepGroup()
	p := NewPrimaryBackup(cfg(21))
	heardFrom(p, peers[1], peers[2])
	p.Step(fromFE(order(1)))
	outs := p.Step(Prepared{FE: 100, ID: 1})
	require.Len(t, only[Execute](outs), 1)
	assert.Empty(t, sentTo[*wire.PBInputs](outs, peers[1].Addr))
	assert.Empty(t, only[Execute](p.Step(Prepared{FE: 100, ID: 1})), "a duplicate Prepared runs nothing")
}

func TestPrimaryResendsInputsAndStopsWaitingForADeadBackup(t *testing.T) {
	peers, cfg := prepGroup()
	p := NewPrimaryBackup(cfg(21))
	p.Step(Tick{Now: time.Millisecond})
	heardFrom(p, peers[1], peers[2])
	p.Step(fromFE(order(7)))
	p.Step(Prepared{FE: 100, ID: 7, Inputs: []byte("addr")})
	p.Step(recv(peers[1], &wire.PBInputsAck{View: 0, FE: 100, ID: 7}))

	// Member 23 stays silent: the inputs go to it again every Retry, and
	// only to it.
	outs := p.Step(Tick{Now: 15 * time.Millisecond})
	assert.Len(t, sentTo[*wire.PBInputs](outs, peers[2].Addr), 1, "resent to the silent backup")
	assert.Empty(t, sentTo[*wire.PBInputs](outs, peers[1].Addr), "not to the one that recorded them")
	assert.Empty(t, only[Execute](outs))

	// Member 22 keeps talking; once 23 is silent past BackupTimeout it is
	// no longer waited for.
	var ex []Execute
	for now := 20 * time.Millisecond; now <= 150*time.Millisecond && len(ex) == 0; now += 10 * time.Millisecond {
		p.Step(recv(peers[1], &wire.PBAck{View: 0, Applied: 0}))
		ex = only[Execute](p.Step(Tick{Now: now}))
	}
	require.Len(t, ex, 1, "a dead backup must not block the order")
	assert.Equal(t, []byte("addr"), ex[0].Req.Inputs)
}

// TestNewPrimaryReplaysRecordedInputs: the primary dies after its backups
// recorded the address; the next primary executes the FE's resent request
// with that address and never prepares (looks up) it again.
func TestNewPrimaryReplaysRecordedInputs(t *testing.T) {
	peers, cfg := prepGroup()
	b := NewPrimaryBackup(cfg(22))
	b.Step(Tick{Now: time.Millisecond})

	outs := b.Step(recv(peers[2], &wire.PBInputs{View: 0, FE: 100, ID: 5, Inputs: []byte("addr")}))
	assert.Empty(t, sentTo[*wire.PBInputsAck](outs, peers[2].Addr), "only the primary's inputs are recorded")
	outs = b.Step(recv(peers[0], &wire.PBInputs{View: 0, FE: 100, ID: 5, Inputs: []byte("addr")}))
	require.Equal(t, []*wire.PBInputsAck{{View: 0, FE: 100, ID: 5}}, sentTo[*wire.PBInputsAck](outs, peers[0].Addr))

	// The FE suspects member 21: view 1, whose primary is member 22.
	b.Step(Recv{From: feAddr, Pkt: wire.Packet{Sender: 100, Msg: &wire.PrimaryQuery{View: 0, Suspect: 21}}})
	require.True(t, b.IsPrimary())
	// Its recovery collects the others' ranks; member 23 answers, 21 is dead.
	var ex []Execute
	var prep []Prepare
	for now := 10 * time.Millisecond; now < 2*time.Second && len(ex) == 0; now += 10 * time.Millisecond {
		b.Step(recv(peers[2], &wire.PBAck{View: 1, Applied: 0}))
		b.Step(Tick{Now: now})
		outs := b.Step(fromFE(order(5)))
		ex, prep = only[Execute](outs), append(prep, only[Prepare](outs)...)
	}
	assert.Empty(t, prep, "the new primary must not look the address up again")
	require.Len(t, ex, 1)
	assert.Equal(t, []byte("addr"), ex[0].Req.Inputs)

	// A request nobody recorded is prepared as usual.
	assert.Len(t, only[Prepare](b.Step(fromFE(order(6)))), 1)
}

func TestStalePrimaryLearnsTheViewFromInputsAck(t *testing.T) {
	peers, cfg := prepGroup()
	b := NewPrimaryBackup(cfg(23))
	b.Step(recv(peers[1], &wire.Primary{View: 1, Primary: 22}))
	require.Equal(t, uint64(1), b.View())
	outs := b.Step(recv(peers[0], &wire.PBInputs{View: 0, FE: 100, ID: 5, Inputs: []byte("addr")}))
	assert.Empty(t, sentTo[*wire.PBInputsAck](outs, peers[0].Addr), "a deposed primary's inputs are not recorded")
	assert.Equal(t, []*wire.Primary{{View: 1, Primary: 22}}, sentTo[*wire.Primary](outs, peers[0].Addr))
}
