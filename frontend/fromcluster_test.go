package frontend

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/cluster"
)

func TestFromCluster(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(*cluster.Config)
		check func(*testing.T, Config)
		err   string
	}{
		{name: "default", mod: func(*cluster.Config) {}, check: func(t *testing.T, c Config) {
			assert.Equal(t, uint32(100), c.ID)
			assert.Len(t, c.RMs, 4, "DEMS replicas only")
			assert.Equal(t, 1, c.F)
			assert.Equal(t, 50*time.Millisecond, c.Timeout.Floor)
			assert.Equal(t, "127.0.0.1:7100", c.ReplyTo.String())
			assert.Equal(t, 5*time.Millisecond, c.Submit.RTO)
			require.NoError(t, c.Submit.Validate())
			require.NoError(t, c.Timeout.Validate())
		}},
		{name: "f=0 with one replica", mod: func(c *cluster.Config) {
			c.F = 0
			c.RMs = c.RMs[:1]
		}, check: func(t *testing.T, c Config) {
			assert.Equal(t, 0, c.F)
			assert.Len(t, c.RMs, 1)
		}},
		{name: "wildcard udp address: reply-to from the socket", mod: func(c *cluster.Config) { c.FrontEnd.UDP = "0.0.0.0:7100" },
			check: func(t *testing.T, c Config) { assert.False(t, c.ReplyTo.IsValid()) }},
		{name: "invalid cluster config", mod: func(c *cluster.Config) { c.Key = "short" }, err: "key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := cluster.Default()
			tc.mod(cc)
			c, err := FromCluster(cc)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}
