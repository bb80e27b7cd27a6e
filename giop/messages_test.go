package giop

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/ior"
)

var allVersions = []Version{V1_0, V1_1, V1_2}

func readOne(t *testing.T, b []byte) *Message {
	t.Helper()
	m, err := NewReader(bytes.NewReader(b), 0).ReadMessage()
	require.NoError(t, err)
	return m
}

func TestRequestRoundTripEveryVersionAndOrder(t *testing.T) {
	for _, v := range allVersions {
		for _, little := range []bool{false, true} {
			for _, withArgs := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/little=%v/args=%v", v, little, withArgs), func(t *testing.T) {
					req := &Request{RequestID: 42, ResponseFlags: ResponseExpected, Operation: "add",
						Target:          TargetAddress{Disposition: KeyAddr, ObjectKey: []byte("Echo")},
						ServiceContexts: []ServiceContext{CodeSetContext(cdr.CodeSets{Char: cdr.CodeSetUTF8, WChar: cdr.CodeSetUTF16})}}
					var args func(*cdr.Encoder)
					if withArgs {
						args = func(e *cdr.Encoder) { e.WriteLongLong(7); e.WriteLong(-3) }
					}
					b := EncodeRequest(cdr.NewEncoder(little), v, req, args)
					m := readOne(t, b)
					assert.Equal(t, v, m.Header.Version)
					assert.Equal(t, little, m.Header.LittleEndian())
					got, d, err := ParseRequest(m, cdr.CodeSets{})
					require.NoError(t, err)
					if v.Minor < 2 {
						req.Principal = []byte{}
					}
					assert.Equal(t, req.RequestID, got.RequestID)
					assert.Equal(t, req.Operation, got.Operation)
					assert.True(t, got.ResponseExpected())
					assert.Equal(t, []byte("Echo"), got.Target.ObjectKey)
					cs, ok := FindCodeSets(got.ServiceContexts)
					require.True(t, ok)
					assert.Equal(t, cdr.CodeSetUTF8, cs.Char)
					if withArgs {
						assert.Zero(t, d.Pos()%8, "1.2 bodies start 8-aligned; long long is 8-aligned in every version")
						assert.Equal(t, int64(7), d.ReadLongLong())
						assert.Equal(t, int32(-3), d.ReadLong())
						require.NoError(t, d.Err())
					}
					assert.Zero(t, d.Remaining())
				})
			}
		}
	}
}

// A GIOP 1.2 message without a body must not carry the 8-alignment padding.
func TestGIOP12NoPaddingWithoutBody(t *testing.T) {
	req := &Request{RequestID: 1, ResponseFlags: ResponseExpected, Operation: "ping", Target: TargetAddress{ObjectKey: []byte("k")}}
	b := EncodeRequest(cdr.NewEncoder(false), V1_2, req, func(*cdr.Encoder) {})
	// id(4) flags+reserved(4) disposition(2)+pad(2) key(4+1) pad(3) op len(4) "ping\0"(5) pad(3) contexts(4)
	assert.Equal(t, HeaderSize+4+4+4+5+3+4+5+3+4, len(b))
	reply := EncodeReply(cdr.NewEncoder(false), V1_2, &Reply{RequestID: 1}, nil)
	assert.Equal(t, "47494f50010200010000000c"+"00000001"+"00000000"+"00000000", hex.EncodeToString(reply))
}

func TestReplyGoldenGIOP10BigEndian(t *testing.T) {
	b := EncodeReply(cdr.NewEncoder(false), V1_0, &Reply{RequestID: 5, Status: NoException}, func(e *cdr.Encoder) { e.WriteLong(3) })
	assert.Equal(t, "47494f50010000010000001000000000000000050000000000000003", hex.EncodeToString(b))
}

func TestAllMessageTypesRoundTrip(t *testing.T) {
	forward := ior.New("IDL:Bench/Echo:1.0", ior.Address{Host: "127.0.0.1", Port: 2809}, []byte("Echo"))
	for _, v := range allVersions {
		for _, little := range []bool{false, true} {
			name := fmt.Sprintf("%s/little=%v", v, little)
			enc := func() *cdr.Encoder { return cdr.NewEncoder(little) }

			m := readOne(t, EncodeReply(enc(), v, &Reply{RequestID: 9, Status: UserException}, func(e *cdr.Encoder) { e.WriteString("IDL:X:1.0") }))
			rep, d, err := ParseReply(m, cdr.CodeSets{})
			require.NoError(t, err, name)
			assert.Equal(t, Reply{RequestID: 9, Status: UserException}, *rep, name)
			assert.Equal(t, "IDL:X:1.0", d.ReadString(), name)

			m = readOne(t, EncodeLocateRequest(enc(), v, &LocateRequest{RequestID: 3, Target: TargetAddress{ObjectKey: []byte("K")}}))
			lr, err := ParseLocateRequest(m)
			require.NoError(t, err, name)
			assert.Equal(t, uint32(3), lr.RequestID)
			assert.Equal(t, []byte("K"), lr.Target.ObjectKey)

			m = readOne(t, EncodeLocateReply(enc(), v, &LocateReply{RequestID: 3, Status: ObjectForward}, func(e *cdr.Encoder) { forward.Marshal(e) }))
			lrep, d, err := ParseLocateReply(m)
			require.NoError(t, err, name)
			assert.Equal(t, ObjectForward, lrep.Status)
			fw, err := ior.Unmarshal(d)
			require.NoError(t, err, name)
			assert.Equal(t, forward, fw)

			m = readOne(t, EncodeCancelRequest(enc(), v, 77))
			id, err := ParseCancelRequest(m)
			require.NoError(t, err)
			assert.Equal(t, uint32(77), id)

			for _, typ := range []MsgType{MsgCloseConnection, MsgMessageError} {
				var b []byte
				if typ == MsgCloseConnection {
					b = EncodeCloseConnection(enc(), v)
				} else {
					b = EncodeMessageError(enc(), v)
				}
				require.Len(t, b, HeaderSize)
				m = readOne(t, b)
				assert.Equal(t, typ, m.Header.Type)
				assert.Zero(t, m.Header.Size)
			}
		}
	}
}

func TestTargetAddressDispositions(t *testing.T) {
	ref := ior.New("IDL:Bench/Echo:1.0", ior.Address{Host: "h", Port: 1}, []byte("deep-key"))
	targets := []TargetAddress{
		{Disposition: KeyAddr, ObjectKey: []byte("deep-key")},
		{Disposition: ProfileAddr, Profile: ref.Profiles[0]},
		{Disposition: ReferenceAddr, IOR: ref},
	}
	for _, tgt := range targets {
		req := &Request{RequestID: 1, ResponseFlags: ResponseExpected, Operation: "ping", Target: tgt}
		m := readOne(t, EncodeRequest(cdr.NewEncoder(true), V1_2, req, nil))
		got, _, err := ParseRequest(m, cdr.CodeSets{})
		require.NoError(t, err)
		key, err := got.Target.Key()
		require.NoError(t, err)
		assert.Equal(t, []byte("deep-key"), key)
	}
	bad := TargetAddress{Disposition: ReferenceAddr, SelectedProfile: 3, IOR: ref}
	_, err := bad.Key()
	assert.Error(t, err)
}

func TestReassemblesFragments(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	for _, v := range []Version{V1_1, V1_2} {
		for _, little := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/little=%v", v, little), func(t *testing.T) {
				// The first message keeps 1024 bytes of body (a multiple of 8 overall), the rest in fragments.
				whole, fragmented := fragmentedRequest(v, little, 11, payload, 1024, 4096)
				var stream bytes.Buffer
				stream.Write(fragmented)
				stream.Write(EncodeCloseConnection(cdr.NewEncoder(little), v))
				rd := NewReader(&stream, 0)
				m, err := rd.ReadMessage()
				require.NoError(t, err)
				assert.False(t, m.Header.MoreFragments())
				assert.Equal(t, whole[HeaderSize:], m.Body)
				req, d, err := ParseRequest(m, cdr.CodeSets{})
				require.NoError(t, err)
				assert.Equal(t, "echoString", req.Operation)
				assert.Equal(t, string(payload), d.ReadString())
				m, err = rd.ReadMessage()
				require.NoError(t, err)
				assert.Equal(t, MsgCloseConnection, m.Header.Type)
			})
		}
	}
}

func setSize(b []byte, little bool) {
	size := uint32(len(b) - HeaderSize)
	if little {
		b[8], b[9], b[10], b[11] = byte(size), byte(size>>8), byte(size>>16), byte(size>>24)
	} else {
		b[8], b[9], b[10], b[11] = byte(size>>24), byte(size>>16), byte(size>>8), byte(size)
	}
}

func TestReaderRejectsMalformedStreams(t *testing.T) {
	hdr := func(major, minor, flags, typ byte, size uint32) []byte {
		return []byte{'G', 'I', 'O', 'P', major, minor, flags, typ, byte(size >> 24), byte(size >> 16), byte(size >> 8), byte(size)}
	}
	cases := []struct {
		name        string
		in          []byte
		unsupported bool
		tooLarge    bool
	}{
		{"bad magic", []byte("GIOX\x01\x02\x00\x00\x00\x00\x00\x00"), false, false},
		{"version 2.0", hdr(2, 0, 0, 0, 0), true, false},
		{"version 1.3", hdr(1, 3, 0, 0, 0), true, false},
		{"unknown type", hdr(1, 2, 0, 8, 0), false, false},
		{"unknown flags", hdr(1, 2, 0x80, 0, 0), false, false},
		{"1.0 fragment", hdr(1, 0, 0, 7, 0), false, false},
		{"1.0 flags above byte order", hdr(1, 0, 2, 0, 0), false, false},
		{"too large", hdr(1, 2, 0, 0, 1<<30), false, true},
		{"truncated header", []byte("GIOP\x01"), false, false},
		{"truncated body", append(hdr(1, 2, 0, 1, 100), 1, 2, 3), false, false},
		{"orphan 1.1 fragment", hdr(1, 1, 0, 7, 0), false, false},
		{"orphan 1.2 fragment", append(hdr(1, 2, 0, 7, 4), 0, 0, 0, 1), false, false},
		{"close connection with more fragments", hdr(1, 2, 2, 5, 0), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(c.in), 1<<20).ReadMessage()
			var pe *ProtocolError
			require.True(t, errors.As(err, &pe), "got %v", err)
			assert.Equal(t, c.unsupported, pe.UnsupportedVersion)
			assert.Equal(t, c.tooLarge, pe.TooLarge)
		})
	}
}

func TestReaderBoundsReassembledSize(t *testing.T) {
	first := EncodeRequest(cdr.NewEncoder(false), V1_2, &Request{RequestID: 1, Operation: "x", Target: TargetAddress{ObjectKey: []byte("k")}},
		func(e *cdr.Encoder) { e.WriteOctets(make([]byte, 900)) })
	first[6] |= FlagMoreFragments
	var s bytes.Buffer
	s.Write(first)
	s.Write(EncodeFragment(cdr.NewEncoder(false), V1_2, 1, false, make([]byte, 900)))
	_, err := NewReader(&s, 1200).ReadMessage()
	var pe *ProtocolError
	require.True(t, errors.As(err, &pe))
	assert.True(t, pe.TooLarge)
}

func TestBadHeaderKeepsRequestID(t *testing.T) {
	e := cdr.NewEncoder(false)
	beginMessage(e, V1_2, MsgRequest)
	e.WriteULong(99)
	e.WriteOctet(3)
	e.WriteOctets([]byte{0, 0, 0})
	e.WriteShort(7) // unknown disposition
	b := finishMessage(e)
	_, _, err := ParseRequest(readOne(t, b), cdr.CodeSets{})
	var he *HeaderError
	require.True(t, errors.As(err, &he))
	assert.True(t, he.HaveID)
	assert.Equal(t, uint32(99), he.RequestID)
}
