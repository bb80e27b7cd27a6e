package lookup

import (
	"container/list"
	"time"

	"concord/postcodes"
)

// Cache is an LRU cache with a time-to-live, as a pure data structure: the
// caller passes the time in. It holds answers (addresses) and, for a shorter
// time, "unknown postcode" verdicts so a typo does not hit the network twice.
// Not safe for concurrent use; the client guards it.
type Cache struct {
	capacity int
	ttl      time.Duration
	negTTL   time.Duration
	order    *list.List // front = most recently used
	entries  map[string]*list.Element
}

type cacheEntry struct {
	key     string
	addr    postcodes.Address
	unknown *UnknownError // non-nil for a cached "unknown postcode"
	expires time.Time
}

// NewCache keeps at most capacity entries (at least 1); answers live for ttl,
// unknown verdicts for negTTL (0 or less: not cached).
func NewCache(capacity int, ttl, negTTL time.Duration) *Cache {
	return &Cache{capacity: max(capacity, 1), ttl: ttl, negTTL: negTTL,
		order: list.New(), entries: map[string]*list.Element{}}
}

// Get returns the live entry for key: an address, or a non-nil unknown.
func (c *Cache) Get(key string, now time.Time) (addr postcodes.Address, unknown *UnknownError, ok bool) {
	el, found := c.entries[key]
	if !found {
		return postcodes.Address{}, nil, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.order.Remove(el)
		delete(c.entries, key)
		return postcodes.Address{}, nil, false
	}
	c.order.MoveToFront(el)
	return e.addr, e.unknown, true
}

// Put stores an address.
func (c *Cache) Put(key string, addr postcodes.Address, now time.Time) {
	c.put(&cacheEntry{key: key, addr: addr, expires: now.Add(c.ttl)})
}

// PutUnknown stores an "unknown postcode" verdict.
func (c *Cache) PutUnknown(key string, verdict *UnknownError, now time.Time) {
	if c.negTTL <= 0 {
		return
	}
	c.put(&cacheEntry{key: key, unknown: verdict, expires: now.Add(c.negTTL)})
}

// Len is the number of entries, live or not yet evicted.
func (c *Cache) Len() int { return c.order.Len() }

func (c *Cache) put(e *cacheEntry) {
	if el, found := c.entries[e.key]; found {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.entries[e.key] = c.order.PushFront(e)
	for c.order.Len() > c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).key)
	}
}
