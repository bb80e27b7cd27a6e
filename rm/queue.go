package rm

import "sync"

// eventQueue runs functions one at a time, in the order they were added,
// on its own goroutine. Replica callbacks go through it: the replica's
// reader goroutine must never wait for the RM's lock (whose holder may be
// blocked writing to that replica), yet the callbacks' order matters.
type eventQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	fns    []func()
	closed bool
}

func newEventQueue() *eventQueue {
	q := &eventQueue{}
	q.cond = sync.NewCond(&q.mu)
	go q.run()
	return q
}

func (q *eventQueue) add(f func()) {
	q.mu.Lock()
	if !q.closed {
		q.fns = append(q.fns, f)
		q.cond.Signal()
	}
	q.mu.Unlock()
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
}

func (q *eventQueue) run() {
	for {
		q.mu.Lock()
		for len(q.fns) == 0 && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		for _, f := range fns {
			f()
		}
	}
}
