package fault

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     Mode
		wantErr  bool
	}{
		{"correct", "correct", Mode{Kind: Correct}, false},
		{"wrong upper case", " WRONG ", Mode{Kind: Wrong}, false},
		{"crash", "crash", Mode{Kind: Crash}, false},
		{"bare slow gets default", "slow", Mode{Kind: Slow, Delay: DefaultSlowDelay}, false},
		{"slow with delay", "slow:250ms", Mode{Kind: Slow, Delay: 250 * time.Millisecond}, false},
		{"slow bad delay", "slow:soon", Mode{}, true},
		{"slow zero delay", "slow:0s", Mode{}, true},
		{"slow too long", "slow:2h", Mode{}, true},
		{"argument on crash", "crash:1s", Mode{}, true},
		{"unknown", "byzantine", Mode{}, true},
		{"empty", "", Mode{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			back, err := Parse(got.String())
			require.NoError(t, err, "String must give a parsable form")
			assert.Equal(t, got, back)
		})
	}
}

func TestSwitch(t *testing.T) {
	var nilSwitch *Switch
	assert.Equal(t, Mode{}, nilSwitch.Mode())
	assert.False(t, nilSwitch.Wrong())

	var s Switch
	assert.Equal(t, Correct, s.Mode().Kind, "zero value is correct")
	s.Set(Mode{Kind: Wrong})
	assert.True(t, s.Wrong())
	s.Set(Mode{Kind: Slow})
	assert.Equal(t, Mode{Kind: Slow, Delay: DefaultSlowDelay}, s.Mode())
	s.Set(Mode{Kind: Crash, Delay: time.Second})
	assert.Equal(t, Mode{Kind: Crash}, s.Mode(), "delay only kept for slow")
	assert.Equal(t, "Kind(9)", Kind(9).String())
}
