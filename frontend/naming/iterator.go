package naming

import (
	"context"
	"sync"

	"concord/giop/cdr"
	"concord/giop/orb"
)

// iterator is a CosNaming::BindingIterator over a snapshot of the bindings.
type iterator struct {
	owner *Context
	key   string
	mu    sync.Mutex
	rest  []Binding
}

// RepositoryIDs implements orb.Servant.
func (*iterator) RepositoryIDs() []string { return []string{BindingIteratorID} }

// Dispatch implements orb.Servant.
func (it *iterator) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	switch op {
	case "next_one":
		b, ok := it.take(1)
		out.WriteBoolean(ok)
		if ok {
			writeBinding(out, b[0])
		} else {
			writeBinding(out, Binding{}) // the out parameter must still be there
		}
	case "next_n":
		n := in.ReadULong()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		if n == 0 {
			return orb.NewSystemException(orb.BAD_PARAM, 0, orb.CompletedNo, "next_n: how_many is 0")
		}
		bs, ok := it.take(int(min(n, 1<<20)))
		out.WriteBoolean(ok)
		writeBindings(out, bs)
	case "destroy":
		it.owner.dropIterator(it.key)
	default:
		return orb.BadOperation(op)
	}
	return nil
}

func (it *iterator) take(n int) ([]Binding, bool) {
	it.mu.Lock()
	defer it.mu.Unlock()
	n = min(n, len(it.rest))
	out := it.rest[:n]
	it.rest = it.rest[n:]
	return out, n > 0
}
