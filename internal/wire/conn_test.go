package wire

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readN(t *testing.T, c *Conn, n int) []In {
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	var got []In
	for i := 0; i < 100 && len(got) < n; i++ {
		var err error
		got, err = c.Read(got)
		require.NoError(t, err)
	}
	return got
}

func TestConnBatchesAndAuthenticates(t *testing.T) {
	a, err := Listen("127.0.0.1:0", ConnConfig{Key: testKey, Batch: 8})
	require.NoError(t, err)
	defer a.Close()
	b, err := Listen("127.0.0.1:0", ConnConfig{Key: testKey, Batch: 8})
	require.NoError(t, err)
	defer b.Close()

	// Garbage and a forgery first: counted, skipped, the conn keeps working.
	raw, err := net.Dial("udp", b.LocalAddr().String())
	require.NoError(t, err)
	defer raw.Close()
	_, _ = raw.Write([]byte("garbage datagram of some length"))
	forged, _ := Seal(NewKey([]byte("wrong key")), Packet{Sender: 1, Msg: &Ack{Delivered: 1}})
	_, _ = raw.Write(forged)

	for i := uint64(1); i <= 20; i++ {
		require.NoError(t, a.Send(b.LocalAddr(), Packet{Sender: 9, Msg: &Ack{Delivered: i}}))
	}
	a.Flush()
	got := readN(t, b, 20)
	require.Len(t, got, 20)
	for i, in := range got {
		assert.Equal(t, &Ack{Delivered: uint64(i + 1)}, in.Pkt.Msg)
		assert.Equal(t, a.LocalAddr(), in.From)
	}
	as, bs := a.Stats(), b.Stats()
	assert.Equal(t, uint64(20), as.Sent)
	assert.LessOrEqual(t, as.WriteCalls, uint64(3), "20 datagrams in batches of 8")
	assert.Equal(t, uint64(1), bs.Dropped[ReasonMAC])
	assert.Equal(t, uint64(1), bs.Dropped[ReasonMagic])
	assert.Less(t, bs.ReadCalls, bs.Received, "reads were batched")
}

func TestConnLossInjection(t *testing.T) {
	cases := []struct {
		name string
		rate float64
		lo   int
		hi   int
	}{
		{"none", 0, 1000, 1000},
		{"twenty percent", 0.2, 700, 900},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := Listen("127.0.0.1:0", ConnConfig{Key: testKey})
			require.NoError(t, err)
			defer a.Close()
			b, err := Listen("127.0.0.1:0", ConnConfig{Key: testKey, DropRate: c.rate, Seed: 42})
			require.NoError(t, err)
			defer b.Close()
			for i := 0; i < 1000; i++ {
				require.NoError(t, a.Send(b.LocalAddr(), Packet{Sender: 9, Msg: &Heartbeat{Seq: uint64(i)}}))
				if i%50 == 49 {
					a.Flush()
					time.Sleep(time.Millisecond) // let the receiver's buffer drain
				}
			}
			require.NoError(t, b.SetReadDeadline(time.Now().Add(5*time.Second)))
			for i := 0; i < 1000 && b.Stats().Received < 1000; i++ {
				_, err := b.Read(nil)
				require.NoError(t, err)
			}
			s := b.Stats()
			assert.Equal(t, uint64(1000), s.Accepted+s.Injected)
			assert.GreaterOrEqual(t, int(s.Accepted), c.lo)
			assert.LessOrEqual(t, int(s.Accepted), c.hi)
		})
	}
	_, err := Listen("127.0.0.1:0", ConnConfig{Key: testKey, DropRate: 1})
	assert.Error(t, err)
	_, err = Listen("127.0.0.1:0", ConnConfig{})
	assert.Error(t, err)
}
