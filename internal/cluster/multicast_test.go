package cluster

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMulticastOption(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       netip.AddrPort // zero: multicast off
		iface      string
		err        string
	}{
		{name: "off by default", json: `{}`},
		{name: "group on lo by default", json: `{"multicast": "239.1.2.3:7200"}`, want: netip.MustParseAddrPort("239.1.2.3:7200"), iface: "lo"},
		{name: "group on an interface", json: `{"multicast": "239.1.2.3:7200", "multicast_iface": "eth0"}`, want: netip.MustParseAddrPort("239.1.2.3:7200"), iface: "eth0"},
		{name: "unicast address", json: `{"multicast": "127.0.0.1:7200"}`, err: "multicast"},
		{name: "no port", json: `{"multicast": "239.1.2.3"}`, err: "multicast"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.json))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			g, iface, ok := c.MulticastGroup()
			assert.Equal(t, tc.want.IsValid(), ok)
			assert.Equal(t, tc.want, g)
			assert.Equal(t, tc.iface, iface)
		})
	}
}
