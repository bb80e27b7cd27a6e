package wire

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testKey = NewKey([]byte("test cluster key"))

func sampleRequest(id uint64) Request {
	return Request{
		FE: 7, ID: id,
		ReplyTo:   netip.MustParseAddrPort("127.0.0.1:4242"),
		Service:   "DEMS",
		Operation: "bookEvent",
		Enc:       Encoding{LittleEndian: true, ArgsOffset: 4, ReplyOffset: 0, GIOPMinor: 2, CharCodeSet: 0x05010001, WCharCodeSet: 0x00010109},
		Args:      []byte{0, 0, 0, 8, 'M', 'T', 'L', 'C'},
		Inputs:    []byte("addr"),
	}
}

func samplePackets() map[string]Packet {
	q1, q2 := sampleRequest(1), sampleRequest(2)
	q2.ReplyTo = netip.MustParseAddrPort("[::1]:9")
	q2.Args, q2.Inputs = nil, nil
	return map[string]Packet{
		"request":       {Sender: 7, Msg: &q1},
		"request retx":  {Sender: 7, Flags: FlagRetransmit, Msg: &q2},
		"request ack":   {Sender: 1, Msg: &RequestAck{FE: 7, Acks: []AckEntry{{1, 10}, {2, 11}}}},
		"sequenced":     {Sender: 1, Msg: &Sequenced{First: 10, Requests: []Request{q1, q2}}},
		"nak":           {Sender: 3, Msg: &Nak{Ranges: []Range{{3, 5}, {9, 9}}}},
		"ack":           {Sender: 3, Msg: &Ack{Delivered: 99}},
		"catch-up":      {Sender: 1, Msg: &CatchUp{Low: 100, High: 200}},
		"reply":         {Sender: 3, Msg: &Reply{Seq: 10, ID: 1, Replica: 3, Status: 1, Body: []byte("ok")}},
		"fault report":  {Sender: 7, Msg: &FaultReport{Replica: 2, Seq: 10, Kind: FaultWrong}},
		"heartbeat":     {Sender: 1, Msg: &Heartbeat{Seq: 11}},
		"state query":   {Sender: 2, Msg: &StateQuery{Seq: 40}},
		"pb update":     {Sender: 21, Msg: &PBUpdate{View: 3, First: 7, Requests: []Request{q1}}},
		"pb ack":        {Sender: 22, Msg: &PBAck{View: 3, Applied: 7}},
		"primary query": {Sender: 100, Msg: &PrimaryQuery{View: 3, Suspect: 21}},
		"primary":       {Sender: 22, Msg: &Primary{View: 4, Primary: 22}},
		"state offer":   {Sender: 3, Msg: &StateOffer{Seq: 40, Size: 9, Digest: [32]byte{1, 2, 3}}},
		"state fetch":   {Sender: 2, Msg: &StateFetch{Seq: 40, Offset: 4}},
		"state chunk":   {Sender: 3, Msg: &StateChunk{Seq: 40, Offset: 4, Total: 9, Data: []byte("abcde")}},
		"fault control": {Sender: 7, Msg: FaultRequest(7, 5, FaultReport{Replica: 2, Seq: 9, Kind: FaultCleared})},
		"empty request": {Sender: 9, Msg: &Request{}},
		"pb inputs":     {Sender: 21, Msg: &PBInputs{View: 3, FE: 7, ID: 9, Inputs: []byte("SW1A 1AA")}},
		"pb inputs ack": {Sender: 22, Msg: &PBInputsAck{View: 3, FE: 7, ID: 9}},
	}
}

func TestRoundTrip(t *testing.T) {
	for name, p := range samplePackets() {
		t.Run(name, func(t *testing.T) {
			b, err := Seal(testKey, p)
			require.NoError(t, err)
			assert.Equal(t, HeaderLen+p.Msg.size()+MACLen, len(b), "size() must match the encoding")
			got, err := Open(testKey, b)
			require.NoError(t, err)
			assert.Equal(t, p, got)
			// The decoded message must not alias the datagram buffer.
			for i := range b {
				b[i] = 0xAA
			}
			assert.Equal(t, p, got)
		})
	}
}

func TestOpenRejects(t *testing.T) {
	q := sampleRequest(1)
	good, err := Seal(testKey, Packet{Sender: 7, Msg: &q})
	require.NoError(t, err)
	// reseal rebuilds a valid MAC after editing the header or payload, so the
	// check under test is the one that fires, not the MAC.
	reseal := func(edit func(b []byte) []byte) []byte {
		b := edit(append([]byte(nil), good[:len(good)-MACLen]...))
		return testKey.mac(b, b)
	}
	cases := []struct {
		name string
		dgm  []byte
		key  *Key
		want error
	}{
		{"empty", nil, testKey, ErrShort},
		{"truncated header", good[:10], testKey, ErrShort},
		{"truncated MAC", good[:len(good)-1], testKey, ErrMAC},
		{"wrong key", good, NewKey([]byte("other key")), ErrMAC},
		{"bad magic", reseal(func(b []byte) []byte { b[0] = 'X'; return b }), testKey, ErrMagic},
		{"unknown version", reseal(func(b []byte) []byte { b[4] = 2; return b }), testKey, ErrVersion},
		{"unknown type", reseal(func(b []byte) []byte { b[5] = 200; return b }), testKey, ErrType},
		{"type zero", reseal(func(b []byte) []byte { b[5] = 0; return b }), testKey, ErrType},
		{"trailing byte", reseal(func(b []byte) []byte { return append(b, 0) }), testKey, ErrMalformed},
		{"payload cut short", reseal(func(b []byte) []byte { return b[:len(b)-3] }), testKey, ErrMalformed},
		{"inputs length lies", reseal(func(b []byte) []byte { b[len(b)-5] = 0xff; return b }), testKey, ErrMalformed},
		{"args offset over 7", reseal(func(b []byte) []byte { b[HeaderLen+4+8+1+4+2+2+4+2+9] = 8; return b }), testKey, ErrMalformed},
		{"oversized", make([]byte, MaxDatagram+1), testKey, ErrTooLarge},
		{"garbage", bytes.Repeat([]byte("garbage!"), 8), testKey, ErrMagic},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(c.key, c.dgm)
			require.Error(t, err)
			assert.True(t, errors.Is(err, c.want), "got %v, want %v", err, c.want)
			assert.Equal(t, c.want.(*Error).Reason, ReasonOf(err))
		})
	}
}

// TestTamperedByteRejected flips every single bit of a valid datagram: each
// forgery must be refused (by the MAC, or earlier by the header checks).
func TestTamperedByteRejected(t *testing.T) {
	for name, p := range samplePackets() {
		good, err := Seal(testKey, p)
		require.NoError(t, err)
		for i := range good {
			for bit := 0; bit < 8; bit++ {
				b := append([]byte(nil), good...)
				b[i] ^= 1 << bit
				_, err := Open(testKey, b)
				require.Error(t, err, "%s: flipping byte %d bit %d went unnoticed", name, i, bit)
			}
		}
	}
}

func TestSealRejects(t *testing.T) {
	big := sampleRequest(1)
	big.Args = make([]byte, MaxRequestLen)
	cases := []struct {
		name string
		msg  Msg
		want error
	}{
		{"nil", nil, ErrType},
		{"oversized request", &big, ErrTooLarge},
		{"empty nak", &Nak{}, ErrTooLarge},
		{"too many nak ranges", &Nak{Ranges: make([]Range, MaxNakRanges+1)}, ErrTooLarge},
		{"sequenced from zero", &Sequenced{}, ErrMalformed},
		{"no recorded inputs", &PBInputs{View: 1, FE: 2, ID: 3}, ErrMalformed},
		{"oversized recorded inputs", &PBInputs{Inputs: make([]byte, MaxInputs+1)}, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Seal(testKey, Packet{Msg: c.msg})
			assert.True(t, errors.Is(err, c.want), "got %v, want %v", err, c.want)
		})
	}
}

// TestLargestRequestFitsSequenced pins the size arithmetic: any request that
// Open accepts fits alone in a Sequenced datagram.
func TestLargestRequestFitsSequenced(t *testing.T) {
	q := sampleRequest(1)
	q.Args = nil
	q.Args = make([]byte, MaxRequestLen-q.size())
	require.Equal(t, MaxRequestLen, q.size())
	b, err := Seal(testKey, Packet{Msg: &q})
	require.NoError(t, err)
	_, err = Open(testKey, b)
	require.NoError(t, err)
	s, err := Seal(testKey, Packet{Msg: &Sequenced{First: 1, Requests: []Request{q}}})
	require.NoError(t, err)
	assert.Equal(t, MaxDatagram, len(s))
	_, err = Open(testKey, s)
	require.NoError(t, err)
}

func TestControlRequests(t *testing.T) {
	f := FaultReport{Replica: 3, Seq: 77, Kind: FaultWrong}
	q := FaultRequest(9, 1, f)
	require.True(t, q.IsControl())
	got, err := ParseFault(q.Args)
	require.NoError(t, err)
	assert.Equal(t, f, got)
	c := CheckpointRequest(4, 2)
	rm, err := ParseCheckpoint(c.Args)
	require.NoError(t, err)
	assert.Equal(t, uint32(4), rm)

	bad := []struct {
		name string
		args []byte
	}{
		{"empty", nil},
		{"kind zero", append(q.Args[:12:12], 0)},
		{"kind too big", append(q.Args[:12:12], 9)},
		{"trailing", append(append([]byte(nil), q.Args...), 1)},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFault(c.args)
			assert.Error(t, err)
		})
	}
	_, err = ParseCheckpoint([]byte{1, 2, 3})
	assert.Error(t, err)
}
