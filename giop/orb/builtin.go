package orb

import "concord/giop/cdr"

// builtin answers the operations every CORBA object has (CORBA 3 §15.4.2.1
// "implicit operations"). It reports false for anything else.
func builtin(s Servant, op string, in *cdr.Decoder, out *cdr.Encoder) (bool, error) {
	switch op {
	case "_is_a":
		id := in.ReadString()
		if err := in.Err(); err != nil {
			return true, AsSystemException(err, CompletedNo)
		}
		out.WriteBoolean(isA(s, id))
	case "_non_existent", "_not_existent":
		out.WriteBoolean(false)
	case "_repository_id":
		out.WriteString(s.RepositoryIDs()[0])
	case "_interface", "_get_interface", "_component", "_get_component":
		return true, NewSystemException(NO_IMPLEMENT, OMGMinor(3), CompletedNo, op+": no interface repository here")
	default:
		return false, nil
	}
	return true, nil
}

// isA reports whether id names the servant's interface or any base of it;
// every object is a CORBA::Object.
func isA(s Servant, id string) bool {
	if id == "IDL:omg.org/CORBA/Object:1.0" {
		return true
	}
	for _, have := range s.RepositoryIDs() {
		if have == id {
			return true
		}
	}
	return false
}
