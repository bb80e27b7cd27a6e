// Package naming is the front end's CosNaming name service: one flat,
// read-only NamingContextExt holding the service references, so standard
// clients (-ORBInitRef NameService=corbaloc:iiop:host:2809/NameService,
// nameclt, catior) find the services. Binding through CORBA is refused with
// NO_PERMISSION: the FE alone decides what is published.
package naming

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
)

// Repository ids of the CosNaming interfaces served here.
const (
	NamingContextID    = "IDL:omg.org/CosNaming/NamingContext:1.0"
	NamingContextExtID = "IDL:omg.org/CosNaming/NamingContextExt:1.0"
	BindingIteratorID  = "IDL:omg.org/CosNaming/BindingIterator:1.0"
)

// BindingType is CosNaming::BindingType.
type BindingType uint32

const (
	BindObject  BindingType = 0 // nobject
	BindContext BindingType = 1 // ncontext
)

// Binding is CosNaming::Binding.
type Binding struct {
	Name Name
	Type BindingType
}

func writeBinding(e *cdr.Encoder, b Binding) {
	writeName(e, b.Name)
	e.WriteULong(uint32(b.Type))
}

func writeBindings(e *cdr.Encoder, bs []Binding) {
	e.WriteULong(uint32(len(bs)))
	for _, b := range bs {
		writeBinding(e, b)
	}
}

// MaxIterators bounds live BindingIterators; the oldest is dropped beyond
// it, so clients that never call destroy cannot exhaust memory.
const MaxIterators = 256

// RefMaker builds a reference to an object this FE serves under key.
type RefMaker func(typeID string, key []byte) *ior.IOR

type entry struct {
	name Component
	ref  *ior.IOR
}

// Context is the root naming context servant. Safe for concurrent use.
type Context struct {
	adapter *orb.Adapter
	makeRef RefMaker

	mu        sync.Mutex
	entries   []entry // sorted by name
	iterators []string
	nextIter  uint64
}

// New returns an empty context. Iterators are registered in adapter, with
// references made by makeRef.
func New(adapter *orb.Adapter, makeRef RefMaker) *Context {
	return &Context{adapter: adapter, makeRef: makeRef}
}

// Publish binds (or rebinds) a single-component name to ref. This is the
// FE's own API, not the CORBA bind operation.
func (c *Context) Publish(name Component, ref *ior.IOR) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i, found := slices.BinarySearchFunc(c.entries, name, cmpEntry)
	if found {
		c.entries[i].ref = ref
		return
	}
	c.entries = slices.Insert(c.entries, i, entry{name: name, ref: ref})
}

func cmpEntry(e entry, n Component) int {
	if r := strings.Compare(e.name.ID, n.ID); r != 0 {
		return r
	}
	return strings.Compare(e.name.Kind, n.Kind)
}

// RepositoryIDs implements orb.Servant.
func (*Context) RepositoryIDs() []string { return []string{NamingContextExtID, NamingContextID} }

// Resolve looks a name up.
func (c *Context) Resolve(n Name) (*ior.IOR, error) {
	if !n.valid() {
		return nil, &InvalidName{Detail: "empty name or component"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	i, found := slices.BinarySearchFunc(c.entries, n[0], cmpEntry)
	if !found {
		return nil, &NotFound{Why: MissingNode, Rest: n}
	}
	if len(n) > 1 {
		// Everything here is an object, never a context to descend into.
		return nil, &NotFound{Why: NotContext, Rest: n}
	}
	return c.entries[i].ref, nil
}

// List returns every binding, in name order.
func (c *Context) List() []Binding {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Binding, len(c.entries))
	for i, e := range c.entries {
		out[i] = Binding{Name: Name{e.name}, Type: BindObject}
	}
	return out
}

// Dispatch implements orb.Servant.
func (c *Context) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	switch op {
	case "resolve":
		n := readName(in)
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		ref, err := c.Resolve(n)
		if err != nil {
			return err
		}
		ref.Marshal(out)
	case "resolve_str":
		s := in.ReadString()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		n, err := ParseName(s)
		if err != nil {
			return &InvalidName{Detail: err.Error()}
		}
		ref, err := c.Resolve(n)
		if err != nil {
			return err
		}
		ref.Marshal(out)
	case "list":
		howMany := in.ReadULong()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		all := c.List()
		first := all[:min(uint64(len(all)), uint64(howMany))]
		writeBindings(out, first)
		if len(first) == len(all) {
			(&ior.IOR{}).Marshal(out) // nil BindingIterator
		} else {
			c.newIterator(all[len(first):]).Marshal(out)
		}
	case "to_string":
		n := readName(in)
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		if !n.valid() {
			return &InvalidName{Detail: "empty name or component"}
		}
		out.WriteString(n.String())
	case "to_name":
		s := in.ReadString()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		n, err := ParseName(s)
		if err != nil {
			return &InvalidName{Detail: err.Error()}
		}
		writeName(out, n)
	case "to_url":
		addr, sn := in.ReadString(), in.ReadString()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		if addr == "" {
			return &InvalidAddress{}
		}
		if _, err := ParseName(sn); err != nil {
			return &InvalidName{Detail: err.Error()}
		}
		out.WriteString("corbaname:" + addr + "#" + urlEscape(sn))
	case "bind", "rebind", "bind_context", "rebind_context", "unbind",
		"new_context", "bind_new_context", "destroy":
		return orb.NewSystemException(orb.NO_PERMISSION, 0, orb.CompletedNo,
			fmt.Sprintf("%s: the front end's naming context is read-only", op))
	default:
		return orb.BadOperation(op)
	}
	return nil
}

// newIterator registers an iterator over rest and returns its reference.
func (c *Context) newIterator(rest []Binding) *ior.IOR {
	c.mu.Lock()
	c.nextIter++
	key := fmt.Sprintf("NameService/BindingIterator/%d", c.nextIter)
	c.iterators = append(c.iterators, key)
	var evict string
	if len(c.iterators) > MaxIterators {
		evict, c.iterators = c.iterators[0], c.iterators[1:]
	}
	c.mu.Unlock()
	if evict != "" {
		c.adapter.Unregister([]byte(evict))
	}
	it := &iterator{owner: c, key: key, rest: rest}
	c.adapter.Register([]byte(key), it)
	return c.makeRef(BindingIteratorID, []byte(key))
}

func (c *Context) dropIterator(key string) {
	c.mu.Lock()
	if i := slices.Index(c.iterators, key); i >= 0 {
		c.iterators = slices.Delete(c.iterators, i, i+1)
	}
	c.mu.Unlock()
	c.adapter.Unregister([]byte(key))
}
