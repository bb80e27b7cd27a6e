package frontend

import (
	"concord/frontend/naming"
	"concord/giop/ior"
	"concord/giop/orb"
)

// Object keys and repository ids of what the FE serves. The keys double as
// corbaloc keys: corbaloc:iiop:1.2@host:2809/DEMS.
const (
	KeyDEMS        = "DEMS"
	KeyJustHungry  = "JustHungry"
	KeyNameService = "NameService"

	RepoDEMS       = "IDL:DEMS/EventManagement:1.0"
	RepoJustHungry = "IDL:JustHungry/FoodOrdering:1.0"
)

// Register serves the FE's objects in a at addr: the voted DEMS object
// (service "dems"), the Just Hungry object if jh is not nil, and a naming
// service publishing them under their keys. It returns the references by key.
func Register(a *orb.Adapter, addr ior.Address, dems *Server, jh *PrimaryBackup) map[string]*ior.IOR {
	mk := func(typeID string, key []byte) *ior.IOR { return ior.New(typeID, addr, key) }
	ns := naming.New(a, mk)
	refs := map[string]*ior.IOR{KeyNameService: mk(naming.NamingContextExtID, []byte(KeyNameService))}
	a.Register([]byte(KeyNameService), ns)
	publish := func(key, repo string, s orb.Servant) {
		a.Register([]byte(key), s)
		refs[key] = mk(repo, []byte(key))
		ns.Publish(naming.Component{ID: key}, refs[key])
	}
	publish(KeyDEMS, RepoDEMS, dems.Voted("dems", []string{RepoDEMS}))
	if jh != nil {
		publish(KeyJustHungry, RepoJustHungry, jh.Servant([]string{RepoJustHungry}))
	}
	return refs
}
