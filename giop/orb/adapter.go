package orb

import (
	"context"
	"sync"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
)

// Servant handles the requests for one object. Generated skeletons implement it.
type Servant interface {
	// RepositoryIDs lists the most-derived repository id first, then every
	// base interface's, for _is_a.
	RepositoryIDs() []string
	// Dispatch runs op: it unmarshals the arguments from in, calls the
	// implementation and marshals the results into out. It returns nil, a
	// UserException, a *SystemException, a *ForwardRequest, or another error
	// (sent as UNKNOWN).
	Dispatch(ctx context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error
}

// ForwardRequest makes the ORB answer LOCATION_FORWARD (or, if Permanent and
// the request is GIOP 1.2, LOCATION_FORWARD_PERM) with IOR: the client retries
// there. The front end uses it to steer clients on failover.
type ForwardRequest struct {
	IOR       *ior.IOR
	Permanent bool
}

func (f *ForwardRequest) Error() string { return "location forward to " + f.IOR.TypeID }

// RawReply, returned by a Servant's Dispatch, makes the ORB send Body as the
// reply body with the given status, exactly as it is. The front end relays
// replicas' replies (results or exceptions) this way without decoding them;
// Body must be encoded for the reply's byte order and body offset.
type RawReply struct {
	Status giop.ReplyStatus
	Body   []byte
}

func (r *RawReply) Error() string { return "raw " + r.Status.String() + " reply" }

// Adapter maps object keys to servants. It knows nothing of connections.
type Adapter struct {
	mu       sync.RWMutex
	servants map[string]served
	forwards map[string]*ior.IOR
}

type served struct {
	Servant
	inline bool
}

// NewAdapter returns an empty object adapter.
func NewAdapter() *Adapter {
	return &Adapter{servants: map[string]served{}, forwards: map[string]*ior.IOR{}}
}

// Register serves s under key, replacing any previous servant or forward.
// Each request runs on a goroutine of its own, so a slow call holds up no
// other.
func (a *Adapter) Register(key []byte, s Servant) { a.register(key, served{Servant: s}) }

// RegisterInline serves s under key like Register, for a servant whose
// operations never block (they compute on memory and return at once): its
// requests run on the goroutine reading the connection (its poller), as omniORB's
// thread-per-connection model runs upcalls, so a call costs no goroutine
// hand-off and the replies to pipelined requests leave in one write. A
// blocking operation would hold up every later request on its connection.
// The ctx an inline operation gets (and its RequestInfo) is reused for the
// next request: it must not be kept after the operation returns.
func (a *Adapter) RegisterInline(key []byte, s Servant) {
	a.register(key, served{Servant: s, inline: true})
}

func (a *Adapter) register(key []byte, s served) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.servants[string(key)] = s
	delete(a.forwards, string(key))
}

// Forward answers every request and LocateRequest for key with a forward to to.
func (a *Adapter) Forward(key []byte, to *ior.IOR) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.forwards[string(key)] = to
	delete(a.servants, string(key))
}

// Unregister removes whatever is served under key.
func (a *Adapter) Unregister(key []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.servants, string(key))
	delete(a.forwards, string(key))
}

// lookup returns the servant or forward for key (both nil if unknown).
func (a *Adapter) lookup(key []byte) (served, *ior.IOR) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.servants[string(key)], a.forwards[string(key)]
}

// RequestInfo describes the request being served; servants find it in their
// context with RequestInfoFrom.
type RequestInfo struct {
	RequestID        uint32
	Operation        string
	ObjectKey        []byte
	Version          giop.Version
	ResponseExpected bool
	ServiceContexts  []giop.ServiceContext
	Peer             string
}

type requestInfoKey struct{}

// requestCtx carries a request's RequestInfo in one allocation (instead of
// context.WithValue plus the info).
type requestCtx struct {
	context.Context
	info RequestInfo
}

func (r *requestCtx) Value(k any) any {
	if k == (requestInfoKey{}) {
		return &r.info
	}
	return r.Context.Value(k)
}

// RequestInfoFrom returns the RequestInfo of the request ctx belongs to.
func RequestInfoFrom(ctx context.Context) (*RequestInfo, bool) {
	ri, ok := ctx.Value(requestInfoKey{}).(*RequestInfo)
	return ri, ok
}
