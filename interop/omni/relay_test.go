package omni

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadFrame(t *testing.T) {
	le := []byte{'G', 'I', 'O', 'P', 1, 2, 1, 5, 2, 0, 0, 0, 'x', 'y'}
	be := []byte{'G', 'I', 'O', 'P', 1, 0, 0, 1, 0, 0, 0, 3, 'a', 'b', 'c'}
	cases := []struct {
		name    string
		in      []byte
		want    []byte
		wantErr bool
	}{
		{"little-endian size", append(append([]byte{}, le...), be...), le, false},
		{"big-endian size", be, be, false},
		{"garbage is passed through", []byte("not a GIOP header!"), []byte("not a GIOP header!"), false},
		{"truncated body", le[:13], le[:13], true},
		{"truncated header", le[:5], le[:5], true},
		{"size beyond the bound", []byte{'G', 'I', 'O', 'P', 1, 2, 1, 0, 0xff, 0xff, 0xff, 0x7f}, []byte{'G', 'I', 'O', 'P', 1, 2, 1, 0, 0xff, 0xff, 0xff, 0x7f}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readFrame(bytes.NewReader(c.in))
			assert.Equal(t, c.want, got)
			if c.wantErr {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

// TestRelayRecordsBothDirections runs the relay in front of a tiny echo
// server and checks that it forwards and records each message.
func TestRelayRecordsBothDirections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	r, err := NewRelay(ln.Addr().String())
	require.NoError(t, err)
	defer r.Close()
	conn, err := net.Dial("tcp", r.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	msg := []byte{'G', 'I', 'O', 'P', 1, 2, 1, 5, 0, 0, 0, 0}
	_, err = conn.Write(msg)
	require.NoError(t, err)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	back := make([]byte, len(msg))
	_, err = io.ReadFull(conn, back)
	require.NoError(t, err)
	assert.Equal(t, msg, back)
	frames := r.Frames()
	require.Len(t, frames, 2)
	assert.True(t, frames[0].FromClient)
	assert.False(t, frames[1].FromClient)
	assert.Equal(t, msg, frames[1].Bytes)
}
