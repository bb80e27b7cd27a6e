package dems

import (
	"context"

	"concord/giop/orb"
	idl "concord/idl/gen/dems"
	"concord/replicas"
	"concord/replicas/internal/cdrio"
)

// Replica runs the DEMS state machine behind the replicas.Service contract:
// CDR arguments in, CDR reply bytes out, through the generated skeleton.
type Replica struct {
	s            *State
	right, wrong orb.Servant
}

var _ replicas.Service = (*Replica)(nil)

// NewService returns a replica holding the sample data, the state every
// replica of a group starts from.
func NewService() replicas.Service { return NewReplica(NewSampleState()) }

// NewReplica serves an existing state (tests start from an empty one).
func NewReplica(s *State) *Replica {
	return &Replica{
		s:     s,
		right: idl.NewEventManagementServant(servant{s: s}),
		wrong: idl.NewEventManagementServant(servant{s: s, wrong: true}),
	}
}

// State gives access to the business logic.
func (r *Replica) State() *State { return r.s }

func (r *Replica) Name() string { return "dems" }

// Execute runs one request.
func (r *Replica) Execute(req replicas.Request) replicas.Reply {
	return cdrio.Dispatch(context.Background(), r.right, req)
}

// ExecuteWrong runs the request exactly as Execute does (the state stays
// correct) but answers with a deterministically wrong, well-formed reply:
// the "wrong results" fault mode.
func (r *Replica) ExecuteWrong(req replicas.Request) replicas.Reply {
	return cdrio.Dispatch(context.Background(), r.wrong, req)
}

func (r *Replica) Snapshot() []byte       { return r.s.Snapshot() }
func (r *Replica) Restore(b []byte) error { return r.s.Restore(b) }
func (r *Replica) Digest() [32]byte       { return r.s.Digest() }
