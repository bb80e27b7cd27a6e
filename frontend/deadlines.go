package frontend

import (
	"container/heap"
	"time"
)

// deadlineHeap orders vote deadlines; entries go stale when a vote ends or
// its deadline moves, and are skipped when popped (lazy deletion).
type deadlineHeap []deadline

type deadline struct {
	at time.Duration
	id uint64
}

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h deadlineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deadlineHeap) Push(x any)        { *h = append(*h, x.(deadline)) }
func (h *deadlineHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	*h = old[:len(old)-1]
	return d
}

func (h *deadlineHeap) push(at time.Duration, id uint64) { heap.Push(h, deadline{at, id}) }
func (h *deadlineHeap) pop()                             { heap.Pop(h) }
func (h deadlineHeap) peek() (time.Duration, uint64, bool) {
	if len(h) == 0 {
		return 0, 0, false
	}
	return h[0].at, h[0].id, true
}
