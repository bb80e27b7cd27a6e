package justhungry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"concord/giop/orb"
	idl "concord/idl/gen/justhungry"
	"concord/postcodes"
	"concord/postcodes/lookup"
	"concord/replicas"
	"concord/replicas/internal/cdrio"
)

// AddressLookup is the postcode web service as the primary sees it;
// *lookup.Client implements it. Errors: errors.Is(err,
// lookup.ErrUnknownPostcode) for a postcode that does not exist; anything
// else (lookup.ErrUnavailable, a timeout) means the service is unavailable.
type AddressLookup interface {
	Lookup(ctx context.Context, postcode string) (postcodes.Address, error)
}

// LookupFunc adapts a function to AddressLookup.
type LookupFunc func(ctx context.Context, postcode string) (postcodes.Address, error)

func (f LookupFunc) Lookup(ctx context.Context, pc string) (postcodes.Address, error) {
	return f(ctx, pc)
}

// LookupTimeout bounds one lookup however the client is configured, so a
// request never hangs on the web service.
const LookupTimeout = 5 * time.Second

// Replica runs the Just Hungry state machine behind replicas.Service:
// CDR arguments in, CDR reply bytes out, through the generated skeleton.
type Replica struct {
	s            *State
	lookup       AddressLookup
	right, wrong orb.Servant
	prepare      orb.Servant
	// recorded and inputs are the request in progress's lookup, replayed
	// (Request.Inputs) and made (Reply.Inputs); Execute is never concurrent.
	recorded, inputs []byte
	// preparing: the request in progress stops at its lookup (Prepare).
	preparing bool
}

var (
	_ replicas.Service  = (*Replica)(nil)
	_ replicas.Preparer = (*Replica)(nil)
)

// errPrepared stops a request being prepared once its lookup is made.
var errPrepared = errors.New("prepared: stopped after the lookup")

// NewService returns a replica with the sample restaurants that looks
// addresses up with l (nil: every lookup is "unavailable"; backups replay
// the primary's recorded lookups and never call it).
func NewService(l AddressLookup) replicas.Service { return NewReplica(NewSampleState(), l) }

// NewReplica serves an existing state.
func NewReplica(s *State, l AddressLookup) *Replica {
	r := &Replica{s: s, lookup: l}
	r.right = idl.NewFoodOrderingServant(servant{r: r})
	r.wrong = idl.NewFoodOrderingServant(servant{r: r, wrong: true})
	r.prepare = idl.NewFoodOrderingServant(preparer{r: r})
	return r
}

// State gives access to the business logic.
func (r *Replica) State() *State { return r.s }

func (r *Replica) Name() string { return "justhungry" }

// Execute runs one request. A request carrying Inputs (on a backup) replays
// the recorded lookup; otherwise the lookup is made and recorded in
// Reply.Inputs for the backups.
func (r *Replica) Execute(req replicas.Request) replicas.Reply { return r.execute(req, r.right) }

// ExecuteWrong runs the request as Execute does (the state stays correct)
// but answers with a deterministically wrong, well-formed reply.
func (r *Replica) ExecuteWrong(req replicas.Request) replicas.Reply { return r.execute(req, r.wrong) }

func (r *Replica) execute(req replicas.Request, s orb.Servant) replicas.Reply {
	r.recorded, r.inputs = req.Inputs, nil
	rep := cdrio.Dispatch(context.Background(), s, req)
	rep.Inputs = r.inputs
	r.recorded, r.inputs = nil, nil
	return rep
}

// Prepare makes the lookup req needs, if any, and returns its recorded
// outcome for Execute to replay. Only placeOrder and lookupAddress run
// (see preparer), up to their lookup: the rules resolve an address after
// every check and before any change, so the state is untouched, and a
// request that would fail a check first (or retries a placed order) needs
// no lookup.
func (r *Replica) Prepare(req replicas.Request) []byte {
	r.recorded, r.inputs, r.preparing = nil, nil, true
	cdrio.Dispatch(context.Background(), r.prepare, req) // its reply is not an answer
	in := r.inputs
	r.inputs, r.preparing = nil, false
	return in
}

// resolveCall is the Resolve of the request in progress: it records the
// outcome for the backups, failures included.
func (r *Replica) resolveCall(pc string) (Address, error) {
	o, err := r.resolve(r.recorded, pc)
	if err != nil {
		return Address{}, err
	}
	r.inputs = o.encode()
	if r.preparing {
		return Address{}, errPrepared
	}
	if o.err != nil {
		return Address{}, o.err
	}
	return o.addr, nil
}

// resolve replays recorded inputs or asks the web service.
func (r *Replica) resolve(recorded []byte, pc string) (lookupOutcome, error) {
	if len(recorded) > 0 {
		o, err := decodeOutcome(recorded)
		if err == nil && o.postcode != pc {
			err = fmt.Errorf("%w: recorded %q, request asks %q", errBadInputs, o.postcode, pc)
		}
		return o, err
	}
	o := lookupOutcome{postcode: pc}
	if r.lookup == nil {
		o.err = errorf(AddressServiceUnavailable, "no address service is configured")
		return o, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), LookupTimeout)
	defer cancel()
	a, err := r.lookup.Lookup(ctx, pc)
	switch {
	case err == nil:
		o.addr = Address{Postcode: pc, Line: a.Line, District: a.Town, Region: a.Region,
			Country: a.Country, Latitude: a.Latitude, Longitude: a.Longitude}
	case errors.Is(err, lookup.ErrUnknownPostcode):
		o.err = errorf(UnknownPostcode, "postcode %s does not exist", pc)
	default:
		o.err = errorf(AddressServiceUnavailable, "the address service did not answer for %s; try again later", pc)
	}
	return o, nil
}

func (r *Replica) Snapshot() []byte       { return r.s.Snapshot() }
func (r *Replica) Restore(b []byte) error { return r.s.Restore(b) }
func (r *Replica) Digest() [32]byte       { return cdrio.Digest(r.s.Snapshot()) }
