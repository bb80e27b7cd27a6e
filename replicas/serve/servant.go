// Package serve puts a replicas.Service straight on an ORB: the unreplicated
// mode, used as the performance baseline and for debugging. The servant
// hands the raw CDR arguments to the service's Execute, exactly as a replica
// manager does, so both modes run the very same code and give the very same
// reply bytes.
package serve

import (
	"context"
	"sync"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/replicas"
)

// Servant serves one replicas.Service as a CORBA object.
type Servant struct {
	ids []string
	mu  sync.Mutex // a Service is not safe for concurrent use; the ORB is concurrent
	svc replicas.Service
}

var _ orb.Servant = (*Servant)(nil)

// NewServant serves svc; repoIDs are the interface's repository id and its
// bases' (most-derived first), e.g. dems.RepoIDEventManagement.
func NewServant(svc replicas.Service, repoIDs ...string) *Servant {
	return &Servant{ids: repoIDs, svc: svc}
}

func (s *Servant) RepositoryIDs() []string { return s.ids }

// Dispatch runs op through the service's Execute.
func (s *Servant) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	cs := in.CodeSets()
	req := replicas.Request{
		Operation: op,
		Args:      in.Rest(),
		Enc: replicas.Encoding{
			LittleEndian: in.LittleEndian(),
			ArgsOffset:   uint8(in.Pos() % 8),
			ReplyOffset:  uint8(out.Pos() % 8),
			GIOPMinor:    in.GIOPMinor(),
			CharCodeSet:  cs.Char,
			WCharCodeSet: cs.WChar,
		},
	}
	s.mu.Lock()
	rep := s.svc.Execute(req)
	s.mu.Unlock()
	if rep.Status == replicas.NoException {
		out.WriteOctets(rep.Body)
		return nil
	}
	return &orb.RawReply{Status: giop.ReplyStatus(rep.Status), Body: rep.Body}
}

// Service runs fn with the served service locked, e.g. to take a snapshot.
func (s *Servant) Service(fn func(replicas.Service)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.svc)
}
