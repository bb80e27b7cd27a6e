// Package replicas holds the services' deterministic business logic and the
// contract by which a replica manager (or a plain GIOP server) runs them.
package replicas

// Encoding says how a request's CDR arguments were encoded by the client and
// how the reply body must be encoded so that the front end can copy it into
// the client's GIOP reply unchanged. Every replica gets the same Encoding with
// a request, so correct replicas produce byte-identical replies.
type Encoding struct {
	LittleEndian bool
	// ArgsOffset and ReplyOffset are the offsets (mod 8) of the first byte
	// of the arguments in the request message and of the body in the reply
	// message: CDR alignment counts from the start of the GIOP message.
	ArgsOffset  uint8
	ReplyOffset uint8
	// GIOPMinor selects the wstring rules (1.0/1.1 versus 1.2).
	GIOPMinor uint8
	// CharCodeSet and WCharCodeSet are the negotiated code sets (0 means the
	// defaults: ISO-8859-1 and UTF-16).
	CharCodeSet  uint32
	WCharCodeSet uint32
}

// ReplyStatus mirrors the GIOP reply status of an executed request.
type ReplyStatus uint32

const (
	NoException     ReplyStatus = 0
	UserException   ReplyStatus = 1
	SystemException ReplyStatus = 2
)

// Request is one operation invocation delivered to a replica.
type Request struct {
	Operation string
	Args      []byte
	Enc       Encoding
	// Inputs carries the non-deterministic inputs a primary obtained while
	// executing this request (e.g. a looked-up delivery address), so a backup
	// replays them instead of obtaining them again. Empty on a primary.
	Inputs []byte
}

// Reply is the outcome of executing a Request.
type Reply struct {
	Status ReplyStatus
	// Body is the CDR reply body: results, or the exception's repository id
	// and members, encoded as Request.Enc says.
	Body []byte
	// Inputs are the non-deterministic inputs used (see Request.Inputs);
	// the primary ships them to the backups with the request.
	Inputs []byte
}

// Service is a replicated state machine. Implementations are deterministic:
// the same Requests in the same order give byte-identical Replies, snapshots
// and digests on every replica. Not safe for concurrent use.
type Service interface {
	// Name is the service's name ("dems", "justhungry").
	Name() string
	Execute(r Request) Reply
	// Snapshot encodes the whole state canonically (versioned).
	Snapshot() []byte
	// Restore replaces the state with a snapshot's.
	Restore(snapshot []byte) error
	// Digest is a hash of the canonical state (SHA-256 of Snapshot).
	Digest() [32]byte
}

// Preparer is implemented by services whose requests may need
// non-deterministic inputs (Just Hungry's address lookups). A primary
// prepares a request first and has its backups record the inputs before it
// executes, so a failover after the lookup replays them instead of looking
// up again.
type Preparer interface {
	// Prepare obtains the inputs r would need (as Reply.Inputs would carry
	// them) without changing the state; nil if it needs none.
	Prepare(r Request) []byte
}
