package cluster

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultIsValidAndRoundTrips(t *testing.T) {
	c := Default()
	require.NoError(t, c.Validate())
	assert.Len(t, c.Group(DEMS), 4)
	assert.Len(t, c.Group(JustHungry), 3)
	p := filepath.Join(t.TempDir(), "c.json")
	require.NoError(t, c.Save(p))
	got, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func TestParseOverridesDefaults(t *testing.T) {
	c, err := Parse([]byte(`{"f": 2, "timeouts": {"retransmit": "7ms"}, "rms": [
		{"id": 11, "addr": "127.0.0.1:1", "service": "dems"}, {"id": 12, "addr": "127.0.0.1:2", "service": "dems"},
		{"id": 13, "addr": "127.0.0.1:3", "service": "dems"}, {"id": 14, "addr": "127.0.0.1:4", "service": "dems"},
		{"id": 15, "addr": "127.0.0.1:5", "service": "dems"}]}`))
	require.NoError(t, err)
	assert.Equal(t, 2, c.F)
	assert.Equal(t, 7*time.Millisecond, c.Timeouts.Retransmit.D())
	assert.Equal(t, 50*time.Millisecond, c.Timeouts.CrashFloor.D(), "unset fields keep the default")
	assert.Len(t, c.RMs, 5)
}

func TestParseErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name, json, want string
	}{
		{"syntax", `{"f": }`, "syntax error"},
		{"unknown field", `{"fff": 1}`, "fff"},
		{"short key", `{"key": "x"}`, "key"},
		{"bad duration", `{"timeouts": {"heartbeat": "soon"}}`, "soon"},
		{"zero timeout", `{"timeouts": {"heartbeat": "0s"}}`, "timeouts.heartbeat"},
		{"bad address", `{"sequencer": {"id": 1, "addr": "nowhere"}}`, "sequencer: address"},
		{"duplicate id", `{"sequencer": {"id": 11, "addr": "127.0.0.1:1"}}`, "id 11 already used"},
		{"unknown service", `{"rms": [{"id": 5, "addr": "127.0.0.1:5", "service": "pizza"}]}`, "rms[0].service"},
		{"too few for f", `{"rms": [{"id": 5, "addr": "127.0.0.1:5", "service": "dems"}]}`, "cannot outvote"},
		{"trailing", `{} {}`, "trailing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := Load(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "missing.json")
}
