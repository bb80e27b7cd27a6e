package interoptest

import (
	"context"
	"net"
	"sync"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/postcodes/lookup"
	"concord/replicas"
	"concord/replicas/dems"
	"concord/replicas/justhungry"
)

// Object keys and repository ids of the services, as the front end serves
// them (corbaloc:iiop:1.2@HOST:PORT/DEMS).
const (
	DEMSKey       = "DEMS"
	JustHungryKey = "JustHungry"
	DEMSRepoID    = "IDL:DEMS/EventManagement:1.0"
	JustHungryID  = "IDL:JustHungry/FoodOrdering:1.0"
)

// ReplicaServer serves one unreplicated replica of each service over GIOP,
// the way a replica manager runs them (CDR in, CDR reply bytes out), so the
// scenario programs of every ORB can be checked before and besides the
// replicated front end.
type ReplicaServer struct {
	Addr ior.Address
	srv  *orb.Server
	done chan error
}

// StartReplicaServer listens on an ephemeral loopback port. Addresses come
// from the postcode data shipped in the binary, as `concord up`'s embedded
// postcode service serves them, so both give the same transcript.
func StartReplicaServer() (*ReplicaServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := orb.NewAdapter()
	a.Register([]byte(DEMSKey), &replicaServant{svc: dems.NewService(), ids: []string{DEMSRepoID}})
	a.Register([]byte(JustHungryKey), &replicaServant{svc: justhungry.NewService(lookup.NewEmbedded(nil)), ids: []string{JustHungryID}})
	tcp := ln.Addr().(*net.TCPAddr)
	rs := &ReplicaServer{Addr: ior.Address{Host: "127.0.0.1", Port: uint16(tcp.Port)}, srv: orb.NewServer(a, orb.ServerConfig{}), done: make(chan error, 1)}
	go func() { rs.done <- rs.srv.Serve(ln) }()
	return rs, nil
}

// Corbaloc is the GIOP 1.2 corbaloc URL of the object with key.
func (rs *ReplicaServer) Corbaloc(key string) string {
	return ior.CorbalocURL(1, 2, rs.Addr, []byte(key))
}

// Close stops the server.
func (rs *ReplicaServer) Close() error {
	err := rs.srv.Close()
	<-rs.done
	return err
}

// replicaServant hands a request's CDR arguments to a replica and its CDR
// reply bytes back to the ORB unchanged, as the front end does.
type replicaServant struct {
	mu  sync.Mutex // a replica is not safe for concurrent use
	svc replicas.Service
	ids []string
}

func (s *replicaServant) RepositoryIDs() []string { return s.ids }

func (s *replicaServant) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	cs := in.CodeSets()
	req := replicas.Request{
		Operation: op,
		Args:      append([]byte(nil), in.Rest()...),
		Enc: replicas.Encoding{
			LittleEndian: in.LittleEndian(),
			ArgsOffset:   uint8(in.Pos() % 8),
			// The reply is sent in the request's byte order; out is at the body.
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
