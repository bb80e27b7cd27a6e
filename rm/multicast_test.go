package rm

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/wire"
	"concord/sequencer"
)

// testGroup picks a multicast group with a port free on this host, so
// concurrent test runs do not hear each other (the HMAC key would drop a
// stranger's datagrams anyway, but they would skew the counters).
func testGroup(t *testing.T) netip.AddrPort {
	for range 20 {
		g := netip.AddrPortFrom(netip.AddrFrom4([4]byte{239, 77, byte(rand.IntN(256)), byte(1 + rand.IntN(254))}),
			uint16(20000+rand.IntN(40000)))
		c, err := wire.ListenMulticast(g, "lo", wire.ConnConfig{Key: clusterKey})
		if err == nil {
			c.Close()
			return g
		}
	}
	t.Fatal("no free multicast group port")
	return netip.AddrPort{}
}

func TestCheckMulticastGroup(t *testing.T) {
	for _, tc := range []struct {
		name, group string
		ok          bool
	}{
		{"administratively scoped group", "239.1.2.3:7200", true},
		{"unicast address", "127.0.0.1:7200", false},
		{"no port", "239.1.2.3:0", false},
		{"IPv6 group", "[ff02::1]:7200", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wire.CheckMulticastGroup(netip.MustParseAddrPort(tc.group))
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// TestClusterMulticastWithLoss: the sequencer multicasts to 4 RMs on lo with
// 20% loss injected on every socket; the RMs repair gaps by unicast NAKs and
// deliver the same sequence (equal replica digests), and the bulk of the
// Sequenced datagrams reached them through the group.
func TestClusterMulticastWithLoss(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 1000
	}
	c := startClusterWith(t, 4, 0.2, sequencer.Config{}, testGroup(t))
	c.fe.run(n, 300, nil)
	ds := c.waitConverged(t, c.lastSeq())
	for i, d := range ds {
		assert.Equal(t, ds[0], d, "replica of rm %d diverged", 11+i)
	}
	st, cs := c.seq.Stats()
	t.Logf("sequencer %+v; socket sent %d", st, cs.Sent)
	// Every group socket hears each multicast datagram: one send reaches
	// every RM (loss is injected after the socket read).
	group := c.mcast[0].Stats().Received
	require.Positive(t, group)
	assert.Less(t, group, st.Batches, "retransmissions went by unicast, not to the group")
	for i, mc := range c.mcast {
		ms := mc.Stats()
		assert.Equal(t, group, ms.Received, "rm %d heard every group datagram", 11+i)
		assert.Positive(t, ms.Injected, "rm %d: loss injected on the group socket", 11+i)
		assert.Greater(t, ms.Accepted, group/2, "rm %d: most group datagrams accepted", 11+i)
		s := c.nodes[i].Status()
		assert.Positive(t, s.Delivery.Naks, "rm %d: gaps repaired by NAK", 11+i)
		assert.Equal(t, c.lastSeq(), s.Delivered, fmt.Sprintf("rm %d delivered everything", 11+i))
	}
}
