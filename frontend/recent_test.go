package frontend

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRecentFirsts(t *testing.T) {
	r := newRecentFirsts(3)
	for id := uint64(1); id <= 5; id++ {
		r.add(id, time.Duration(id))
	}
	cases := []struct {
		name string
		id   uint64
		ok   bool
	}{
		{"evicted oldest", 1, false},
		{"evicted second", 2, false},
		{"kept", 3, true},
		{"newest", 5, true},
		{"never added", 9, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := r.get(tc.id)
			assert.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, time.Duration(tc.id), got)
			}
		})
	}
	assert.Len(t, r.first, 3, "bounded")
}
