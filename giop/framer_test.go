package giop

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
)

// readAll is the reference: every message Reader returns from stream, and
// the error that ended it (nil for a clean end).
func readAll(stream []byte, maxSize int) ([]*Message, error) {
	rd := NewReader(bytes.NewReader(stream), maxSize)
	var out []*Message
	for {
		m, err := rd.ReadMessage()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

// frameAll feeds stream to a Framer chunk bytes at a time, as a socket
// might deliver it.
func frameAll(stream []byte, maxSize, chunk int) ([]*Message, error) {
	f := NewFramer(maxSize)
	var out []*Message
	deliver := func(m *Message) bool { kept := *m; out = append(out, &kept); return true } // the *Message is reused
	for len(stream) > 0 {
		n := min(chunk, len(stream))
		if _, err := f.Feed(stream[:n], deliver); err != nil {
			return out, err
		}
		stream = stream[n:]
	}
	return out, f.Cut()
}

// sameAsReader checks that a Framer, fed in pieces of every size, yields
// what Reader yields from the same stream.
func sameAsReader(t *testing.T, stream []byte, maxSize int, chunks ...int) {
	t.Helper()
	want, wantErr := readAll(stream, maxSize)
	for _, chunk := range chunks {
		got, err := frameAll(stream, maxSize, chunk)
		require.Equal(t, len(want), len(got), "chunk %d: messages", chunk)
		for i := range want {
			assert.Equal(t, want[i].Header, got[i].Header, "chunk %d: message %d header", chunk, i)
			assert.True(t, bytes.Equal(want[i].Body, got[i].Body), "chunk %d: message %d body", chunk, i)
		}
		if wantErr == nil {
			assert.NoError(t, err, "chunk %d", chunk)
			continue
		}
		var wantPE, gotPE *ProtocolError
		require.True(t, errors.As(wantErr, &wantPE), "reader: %v", wantErr)
		require.True(t, errors.As(err, &gotPE), "chunk %d: framer gave %v, reader %v", chunk, err, wantErr)
		assert.Equal(t, wantPE.TooLarge, gotPE.TooLarge, "chunk %d", chunk)
		assert.Equal(t, wantPE.UnsupportedVersion, gotPE.UnsupportedVersion, "chunk %d", chunk)
	}
}

// fragmentedRequest is an echoString request of payload as a stream: a
// first message with first bytes of body, then Fragments of at most frag
// bytes. It returns the unfragmented message too.
func fragmentedRequest(v Version, little bool, id uint32, payload []byte, first, frag int) (whole, stream []byte) {
	whole = EncodeRequest(cdr.NewEncoder(little), v, &Request{RequestID: id, ResponseFlags: ResponseExpected,
		Operation: "echoString", Target: TargetAddress{ObjectKey: []byte("Echo")}}, func(e *cdr.Encoder) { e.WriteString(string(payload)) })
	start := append([]byte(nil), whole[:HeaderSize+first]...)
	start[6] |= FlagMoreFragments
	setSize(start, little)
	var s bytes.Buffer
	s.Write(start)
	rest := whole[HeaderSize+first:]
	for len(rest) > 0 {
		n := min(frag, len(rest))
		s.Write(EncodeFragment(cdr.NewEncoder(little), v, id, n < len(rest), rest[:n]))
		rest = rest[n:]
	}
	return whole, s.Bytes()
}

func fragmentedStream(v Version, little bool, id uint32, payload []byte) []byte {
	_, stream := fragmentedRequest(v, little, id, payload, 64, 1000)
	return stream
}

func TestFramerMatchesReader(t *testing.T) {
	var all bytes.Buffer
	for _, v := range []Version{V1_0, V1_1, V1_2} {
		for _, little := range []bool{false, true} {
			all.Write(EncodeRequest(cdr.NewEncoder(little), v, &Request{RequestID: 1, ResponseFlags: ResponseExpected,
				Operation: "add", Target: TargetAddress{ObjectKey: []byte("Echo")}}, func(e *cdr.Encoder) { e.WriteLong(1); e.WriteLong(2) }))
			all.Write(EncodeLocateRequest(cdr.NewEncoder(little), v, &LocateRequest{RequestID: 2, Target: TargetAddress{ObjectKey: []byte("k")}}))
			all.Write(EncodeCancelRequest(cdr.NewEncoder(little), v, 3))
			if v != V1_0 {
				all.Write(fragmentedStream(v, little, 4, bytes.Repeat([]byte("xyz"), 2000)))
			}
			all.Write(EncodeCloseConnection(cdr.NewEncoder(little), v)) // header only
		}
	}
	sameAsReader(t, all.Bytes(), 0, 1, 5, 12, 13, 100, 4096, 1<<20)

	hdr := func(major, minor, flags, typ byte, size uint32) []byte {
		return []byte{'G', 'I', 'O', 'P', major, minor, flags, typ, byte(size >> 24), byte(size >> 16), byte(size >> 8), byte(size)}
	}
	for name, bad := range map[string][]byte{
		"bad magic":          []byte("GIOX\x01\x02\x00\x00\x00\x00\x00\x00"),
		"version 1.3":        hdr(1, 3, 0, 0, 0),
		"too large":          hdr(1, 2, 0, 0, 1<<30),
		"truncated header":   []byte("GIOP\x01"),
		"truncated body":     append(hdr(1, 2, 0, 1, 100), 1, 2, 3),
		"orphan fragment":    append(hdr(1, 2, 0, 7, 4), 0, 0, 0, 1),
		"fragments too long": fragmentedStream(V1_2, false, 9, make([]byte, 5000)),
	} {
		t.Run(name, func(t *testing.T) {
			// A good message first: it must come out before the error.
			stream := append(EncodeLocateRequest(cdr.NewEncoder(false), V1_2, &LocateRequest{RequestID: 1, Target: TargetAddress{ObjectKey: []byte("k")}}), bad...)
			sameAsReader(t, stream, 4000, 1, 7, 64, 1<<20)
		})
	}
}

func TestFramerStopsWhenTold(t *testing.T) {
	one := EncodeCancelRequest(cdr.NewEncoder(false), V1_2, 7)
	stream := append(append(append([]byte(nil), one...), one...), one...)
	f := NewFramer(0)
	n := 0
	more, err := f.Feed(stream, func(*Message) bool { n++; return n < 2 })
	require.NoError(t, err)
	assert.False(t, more)
	assert.Equal(t, 2, n, "nothing is delivered after deliver says stop")
}

// FuzzFramer checks the Framer against Reader on arbitrary streams cut into
// arbitrary pieces (the first byte picks the piece size).
func FuzzFramer(f *testing.F) {
	f.Add(byte(1), EncodeCancelRequest(cdr.NewEncoder(false), V1_2, 7))
	f.Add(byte(13), fragmentedStream(V1_1, true, 1, []byte("some payload to fragment")))
	f.Add(byte(200), fragmentedStream(V1_2, false, 1, bytes.Repeat([]byte("p"), 3000)))
	f.Fuzz(func(t *testing.T, chunk byte, stream []byte) {
		sameAsReader(t, stream, 1<<16, int(chunk)+1)
	})
}
