package interoptest

import (
	"net"

	"concord/giop/ior"
	"concord/giop/orb"
	"concord/postcodes/lookup"
	"concord/replicas/dems"
	"concord/replicas/justhungry"
	"concord/replicas/serve"
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
	// The servants hand the CDR arguments to a replica and its CDR reply
	// bytes back unchanged, as the front end does.
	a.Register([]byte(DEMSKey), serve.NewServant(dems.NewService(), DEMSRepoID))
	a.Register([]byte(JustHungryKey), serve.NewServant(justhungry.NewService(lookup.NewEmbedded(nil)), JustHungryID))
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
