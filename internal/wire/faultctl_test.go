package wire

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultCtlRoundTrip(t *testing.T) {
	k := NewKey([]byte("k"))
	cases := []struct {
		name string
		p    Packet
	}{
		{"ctl wrong", Packet{Sender: OperatorID, Msg: &FaultCtl{ID: 7, Mode: "wrong"}}},
		{"ctl slow", Packet{Sender: 100, Flags: FlagRetransmit, Msg: &FaultCtl{ID: 1 << 60, Mode: "slow:250ms"}}},
		{"ctl longest mode", Packet{Sender: OperatorID, Msg: &FaultCtl{ID: 1, Mode: strings.Repeat("m", MaxFaultMode)}}},
		{"ack ok", Packet{Sender: 12, Msg: &FaultCtlAck{ID: 7, Replica: 12, OK: true, Text: "replica pid 42 now wrong"}}},
		{"ack error", Packet{Sender: 12, Msg: &FaultCtlAck{ID: 8, Replica: 12, Text: "no replica process"}}},
		{"ack empty text", Packet{Sender: 12, Msg: &FaultCtlAck{ID: 9, Replica: 12, OK: true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Seal(k, tc.p)
			require.NoError(t, err)
			require.Len(t, b, HeaderLen+tc.p.Msg.size()+MACLen)
			got, err := Open(k, b)
			require.NoError(t, err)
			assert.Equal(t, tc.p, got)
			assert.Equal(t, tc.p.Msg.Type(), Type(b[5]))
		})
	}
}

func TestFaultCtlLayout(t *testing.T) {
	// The documented layout, byte for byte: id(8) mode(str16).
	b := (&FaultCtl{ID: 0x0102030405060708, Mode: "crash"}).appendTo(nil)
	assert.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8, 0, 5, 'c', 'r', 'a', 's', 'h'}, b)
	// id(8) replica(4) ok(1) text(str16).
	b = (&FaultCtlAck{ID: 1, Replica: 12, OK: true, Text: "ok"}).appendTo(nil)
	assert.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12, 1, 0, 2, 'o', 'k'}, b)
	assert.Equal(t, "FaultCtl", TypeFaultCtl.String())
	assert.Equal(t, "FaultCtlAck", TypeFaultCtlAck.String())
}

func TestFaultCtlRefused(t *testing.T) {
	k := NewKey([]byte("k"))
	// seal builds a datagram around a raw payload, bypassing validate.
	seal := func(typ Type, payload []byte) []byte {
		b := append([]byte(Magic), Version, byte(typ), 0, 0)
		b = binary.BigEndian.AppendUint32(b, OperatorID)
		b = append(b, payload...)
		return k.mac(b, b)
	}
	ctl := func(id uint64, mode string) []byte { return (&FaultCtl{ID: id, Mode: mode}).appendTo(nil) }
	good := seal(TypeFaultCtl, ctl(1, "wrong"))
	tampered := append([]byte(nil), good...)
	tampered[HeaderLen+9] ^= 1
	cases := []struct {
		name   string
		b      []byte
		reason Reason
	}{
		{"empty mode", seal(TypeFaultCtl, ctl(1, "")), ReasonMalformed},
		{"mode too long", seal(TypeFaultCtl, ctl(1, strings.Repeat("x", MaxFaultMode+1))), ReasonMalformed},
		{"truncated mode", seal(TypeFaultCtl, ctl(1, "wrong")[:12]), ReasonMalformed},
		{"trailing byte", seal(TypeFaultCtl, append(ctl(1, "wrong"), 0)), ReasonMalformed},
		{"short id", seal(TypeFaultCtl, []byte{1, 2, 3}), ReasonMalformed},
		{"ack ok byte 2", seal(TypeFaultCtlAck, []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12, 2, 0, 0}), ReasonMalformed},
		{"ack text too long", seal(TypeFaultCtlAck, (&FaultCtlAck{Text: strings.Repeat("x", MaxFaultCtlText+1)}).appendTo(nil)), ReasonMalformed},
		{"tampered", tampered, ReasonMAC},
		{"wrong key", func() []byte {
			b, _ := Seal(NewKey([]byte("other")), Packet{Sender: OperatorID, Msg: &FaultCtl{ID: 1, Mode: "crash"}})
			return b
		}(), ReasonMAC},
	}
	_, err := Open(k, good)
	require.NoError(t, err, "the untouched datagram must pass, or the cases prove nothing")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(k, tc.b)
			require.Error(t, err)
			assert.Equal(t, tc.reason, ReasonOf(err), "%v", err)
		})
	}
}

func TestFaultCtlSealValidates(t *testing.T) {
	k := NewKey([]byte("k"))
	cases := []struct {
		name string
		m    Msg
	}{
		{"empty mode", &FaultCtl{ID: 1}},
		{"mode too long", &FaultCtl{ID: 1, Mode: strings.Repeat("x", MaxFaultMode+1)}},
		{"ack text too long", &FaultCtlAck{Text: strings.Repeat("x", MaxFaultCtlText+1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Seal(k, Packet{Sender: OperatorID, Msg: tc.m})
			require.Error(t, err)
		})
	}
}
