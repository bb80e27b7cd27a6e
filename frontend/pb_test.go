package frontend

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/frontend/passive"
	"concord/giop/cdr"
	"concord/internal/wire"
)

// fakePB is an in-process primary-backup group: the primary executes each
// request id once (the reply cache is shared, as state transfer makes it),
// backups redirect, dead replicas stay silent.
type fakePB struct {
	mu       sync.Mutex
	pb       *PrimaryBackup
	alive    map[uint32]bool
	primary  uint32
	view     uint64
	executed map[uint64]int
	wg       sync.WaitGroup
}

func (f *fakePB) later(fn func()) {
	f.wg.Add(1)
	go func() { defer f.wg.Done(); time.Sleep(time.Millisecond); fn() }()
}

func (f *fakePB) Send(replica uint32, id uint64, req *wire.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case !f.alive[replica]:
	case replica != f.primary:
		view, prim := f.view, f.primary
		f.later(func() { f.pb.Announce(view, prim) })
	default:
		f.executed[id]++
		body := append([]byte("done:"), req.Args...)
		if f.executed[id] > 1 {
			body = []byte("cached") // what a reply cache would avoid: the test fails on it
		}
		f.later(func() { f.pb.Reply(replica, id, 0, body) })
	}
}

func (f *fakePB) Ask(uint32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.alive[f.primary] {
		view, prim := f.view, f.primary
		f.later(func() { f.pb.Announce(view, prim) })
	}
}

// crash kills the primary; the next live replica takes over in a new view.
func (f *fakePB) crash() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alive[f.primary] = false
	for _, r := range []uint32{1, 2, 3} {
		if f.alive[r] {
			f.primary = r
			break
		}
	}
	f.view++
}

func startPB(t *testing.T, alive ...uint32) (*PrimaryBackup, *fakePB) {
	f := &fakePB{alive: map[uint32]bool{}, primary: alive[0], view: 1, executed: map[uint64]int{}}
	for _, r := range alive {
		f.alive[r] = true
	}
	cfg := passive.Config{Replicas: []uint32{1, 2, 3}, Attempt: 30 * time.Millisecond, Ask: 10 * time.Millisecond, Deadline: 300 * time.Millisecond}
	pb, err := NewPrimaryBackup("justhungry", 9, cfg, f, 1, quiet, nil)
	require.NoError(t, err)
	f.pb = pb
	t.Cleanup(func() { pb.Close(); f.wg.Wait() })
	return pb, f
}

func TestPrimaryBackup(t *testing.T) {
	cases := []struct {
		name    string
		alive   []uint32
		crashAt int // call index before which the primary crashes; -1 never
		calls   int
		ok      bool
	}{
		{"primary answers", []uint32{1, 2, 3}, -1, 10, true},
		{"first replica down from the start", []uint32{2, 3}, -1, 5, true},
		{"primary crashes mid-stream", []uint32{1, 2, 3}, 5, 20, true},
		{"two crashes", []uint32{1, 2, 3}, 3, 10, true},
		{"nobody alive: TRANSIENT by the deadline", []uint32{}, -1, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alive := tc.alive
			if len(alive) == 0 {
				alive = []uint32{1} // then killed below
			}
			pb, f := startPB(t, alive...)
			if len(tc.alive) == 0 {
				f.crash()
			}
			var wg sync.WaitGroup
			results := make([]Result, tc.calls)
			for i := range tc.calls {
				if i == tc.crashAt || tc.name == "two crashes" && i == 2*tc.crashAt {
					time.Sleep(5 * time.Millisecond) // let earlier calls reach the primary
					f.crash()
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = pb.Call(ctxT(t), "placeOrder", wire.Encoding{}, []byte(fmt.Sprint(i)))
				}()
			}
			wg.Wait()
			for i, r := range results {
				require.NoError(t, r.Err)
				require.Equal(t, tc.ok, r.Agreed, "call %d: %s", i, r.Reason)
				if tc.ok {
					assert.Equal(t, fmt.Sprint("done:", i), string(r.Body))
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			for id, n := range f.executed {
				assert.Equal(t, 1, n, "request %d executed %d times", id, n)
			}
		})
	}
}

func TestPBServantResult(t *testing.T) {
	pb, _ := startPB(t, 1, 2, 3)
	s := pb.Servant([]string{"IDL:test/JH:1.0"})
	in := cdr.NewDecoder([]byte("abc"), false)
	out := cdr.NewEncoder(false)
	require.NoError(t, s.Dispatch(ctxT(t), "op", in, out))
	assert.Equal(t, "done:abc", string(out.Bytes()))
	assert.Equal(t, []string{"IDL:test/JH:1.0"}, s.RepositoryIDs())
}
