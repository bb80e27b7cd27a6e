package lookup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/postcodes"
)

func TestCache(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	addr := func(pc string) postcodes.Address { return postcodes.NewAddress(pc, "D", "R", "C", 1, 2) }

	t.Run("hit within TTL, miss after", func(t *testing.T) {
		c := NewCache(10, time.Minute, time.Second)
		c.Put("M1 1AE", addr("M1 1AE"), t0)
		got, unknown, ok := c.Get("M1 1AE", t0.Add(59*time.Second))
		require.True(t, ok)
		assert.Nil(t, unknown)
		assert.Equal(t, addr("M1 1AE"), got)
		_, _, ok = c.Get("M1 1AE", t0.Add(time.Minute))
		assert.False(t, ok)
		assert.Equal(t, 0, c.Len(), "expired entry dropped")
	})
	t.Run("evicts least recently used", func(t *testing.T) {
		c := NewCache(2, time.Hour, time.Hour)
		c.Put("A1 1AA", addr("A1 1AA"), t0)
		c.Put("B1 1AA", addr("B1 1AA"), t0)
		_, _, ok := c.Get("A1 1AA", t0) // A is now the most recent
		require.True(t, ok)
		c.Put("C1 1AA", addr("C1 1AA"), t0)
		_, _, okA := c.Get("A1 1AA", t0)
		_, _, okB := c.Get("B1 1AA", t0)
		_, _, okC := c.Get("C1 1AA", t0)
		assert.True(t, okA)
		assert.False(t, okB, "B was least recently used")
		assert.True(t, okC)
		assert.Equal(t, 2, c.Len())
	})
	t.Run("overwrite refreshes", func(t *testing.T) {
		c := NewCache(2, time.Minute, time.Minute)
		c.Put("A1 1AA", addr("A1 1AA"), t0)
		c.Put("A1 1AA", addr("A1 1AB"), t0.Add(50*time.Second))
		got, _, ok := c.Get("A1 1AA", t0.Add(100*time.Second))
		require.True(t, ok)
		assert.Equal(t, "A1 1AB", got.Postcode)
		assert.Equal(t, 1, c.Len())
	})
	t.Run("unknown verdicts use the negative TTL", func(t *testing.T) {
		c := NewCache(10, time.Hour, 10*time.Second)
		v := &UnknownError{Postcode: "ZZ1 1ZZ", Reason: "Postcode not found"}
		c.PutUnknown("ZZ1 1ZZ", v, t0)
		_, unknown, ok := c.Get("ZZ1 1ZZ", t0.Add(9*time.Second))
		require.True(t, ok)
		assert.Same(t, v, unknown)
		_, _, ok = c.Get("ZZ1 1ZZ", t0.Add(10*time.Second))
		assert.False(t, ok)
	})
	t.Run("negative caching disabled", func(t *testing.T) {
		c := NewCache(10, time.Hour, -1)
		c.PutUnknown("ZZ1 1ZZ", &UnknownError{}, t0)
		assert.Equal(t, 0, c.Len())
	})
}
