// Package benchecho serves and calls Bench::Echo (idl/bench.idl), the
// benchmark and interop object. The marshalling is hand-written until the
// IDL compiler generates it.
package benchecho

import (
	"context"

	"concord/giop/cdr"
	"concord/giop/orb"
)

// RepositoryID is Bench::Echo's repository id.
const RepositoryID = "IDL:Bench/Echo:1.0"

// ObjectKey is the key Echo is served under, so that
// corbaloc:iiop:host:port/Echo reaches it.
const ObjectKey = "Echo"

// Servant implements Bench::Echo.
type Servant struct{}

// RepositoryIDs implements orb.Servant.
func (Servant) RepositoryIDs() []string { return []string{RepositoryID} }

// Dispatch implements orb.Servant.
func (Servant) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	switch op {
	case "ping":
	case "add":
		a, b := in.ReadLong(), in.ReadLong()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		out.WriteLong(a + b)
	case "echoString":
		s := in.ReadString()
		if err := in.Err(); err != nil {
			return orb.AsSystemException(err, orb.CompletedNo)
		}
		out.WriteString(s)
	default:
		return orb.BadOperation(op)
	}
	return nil
}

// Stub calls a remote Bench::Echo.
type Stub struct{ Ref *orb.ObjectRef }

// Ping calls ping.
func (s Stub) Ping(ctx context.Context) error { return s.Ref.Invoke(ctx, "ping", nil, nil) }

// Add calls add.
func (s Stub) Add(ctx context.Context, a, b int32) (int32, error) {
	var r int32
	err := s.Ref.Invoke(ctx, "add", func(e *cdr.Encoder) { e.WriteLong(a); e.WriteLong(b) },
		func(d *cdr.Decoder) error { r = d.ReadLong(); return d.Err() })
	return r, err
}

// EchoString calls echoString.
func (s Stub) EchoString(ctx context.Context, in string) (string, error) {
	var r string
	err := s.Ref.Invoke(ctx, "echoString", func(e *cdr.Encoder) { e.WriteString(in) },
		func(d *cdr.Decoder) error { r = d.ReadString(); return d.Err() })
	return r, err
}
