package dems

import (
	"concord/replicas"
	"concord/replicas/internal/cdrio"
)

// Replica runs the DEMS state machine behind the replicas.Service contract:
// CDR arguments in, CDR reply bytes out.
type Replica struct {
	s *State
}

var _ replicas.Service = (*Replica)(nil)

// NewService returns a replica holding the sample data, the state every
// replica of a group starts from.
func NewService() replicas.Service { return NewReplica(NewSampleState()) }

// NewReplica serves an existing state (tests start from an empty one).
func NewReplica(s *State) *Replica { return &Replica{s: s} }

// State gives access to the business logic, e.g. for a direct GIOP servant.
func (r *Replica) State() *State { return r.s }

func (r *Replica) Name() string { return "dems" }

// Execute runs one request.
func (r *Replica) Execute(req replicas.Request) replicas.Reply { return r.execute(req, false) }

// ExecuteWrong runs the request exactly as Execute does (the state stays
// correct) but answers with a deterministically wrong, well-formed reply:
// the "wrong results" fault mode.
func (r *Replica) ExecuteWrong(req replicas.Request) replicas.Reply { return r.execute(req, true) }

func (r *Replica) execute(req replicas.Request, wrong bool) replicas.Reply {
	d := cdrio.Decoder(req)
	c := decodeCall(req.Operation, d)
	if c == nil {
		return cdrio.BadOperation(req.Enc)
	}
	if err := d.Err(); err != nil {
		return cdrio.SystemError(req.Enc, err, cdrio.CompletedNo)
	}
	res, err := c(r.s)
	if err != nil {
		ee, ok := err.(*EventError)
		if !ok { // the rules only return *EventError; anything else is a bug
			return cdrio.SystemError(req.Enc, err, cdrio.CompletedMaybe)
		}
		if wrong {
			ee = corruptError(ee)
		}
		return cdrio.UserException(req.Enc, RepoIDEventError, ee.MarshalCDR, cdrio.CompletedNo)
	}
	if wrong {
		res = corrupt(res)
	}
	e := cdrio.Encoder(req.Enc)
	res.marshalCDR(e)
	return cdrio.Result(req.Enc, e, replicas.NoException, cdrio.CompletedYes)
}

func (r *Replica) Snapshot() []byte       { return r.s.Snapshot() }
func (r *Replica) Restore(b []byte) error { return r.s.Restore(b) }
func (r *Replica) Digest() [32]byte       { return r.s.Digest() }
