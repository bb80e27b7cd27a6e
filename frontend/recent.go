package frontend

import "time"

// recentFirsts remembers when the first reply of recently finished votes
// arrived, so replies that come after the crash timeout still teach the
// adaptive timeout how slow replicas are. Without it only replies inside the
// timeout would be sampled, and a timeout that is too short could never grow.
type recentFirsts struct {
	ring  []uint64
	next  int
	first map[uint64]time.Duration
}

func newRecentFirsts(n int) *recentFirsts {
	return &recentFirsts{ring: make([]uint64, 0, n), first: make(map[uint64]time.Duration, n)}
}

func (r *recentFirsts) add(id uint64, first time.Duration) {
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, id)
	} else {
		delete(r.first, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % len(r.ring)
	}
	r.first[id] = first
}

func (r *recentFirsts) get(id uint64) (time.Duration, bool) {
	t, ok := r.first[id]
	return t, ok
}
