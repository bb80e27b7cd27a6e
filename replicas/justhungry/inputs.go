package justhungry

import (
	"errors"
	"fmt"

	"concord/replicas/internal/snap"
)

// The outcome of one address lookup as shipped from the primary to the
// backups in Reply.Inputs / Request.Inputs (layout, version 1, package snap
// encoding):
//
//	version:u8=1 outcome:u8 postcode:str
//	outcome 0: line district region country:str latitude longitude:f64
//	outcome 1 (unknown postcode), 2 (service unavailable): message:str
//
// Failures are recorded too: a backup must refuse exactly as the primary did.
const inputsVersion = 1

const (
	outcomeFound       = 0
	outcomeUnknown     = 1
	outcomeUnavailable = 2
)

type lookupOutcome struct {
	postcode string // normalised, as asked
	addr     Address
	err      *OrderError // UnknownPostcode or AddressServiceUnavailable
}

func (o lookupOutcome) encode() []byte {
	var w snap.Writer
	w.U8(inputsVersion)
	switch {
	case o.err == nil:
		w.U8(outcomeFound)
		w.Str(o.postcode)
		w.Str(o.addr.Line)
		w.Str(o.addr.District)
		w.Str(o.addr.Region)
		w.Str(o.addr.Country)
		w.F64(o.addr.Latitude)
		w.F64(o.addr.Longitude)
	case o.err.Reason == UnknownPostcode:
		w.U8(outcomeUnknown)
		w.Str(o.postcode)
		w.Str(o.err.Message)
	default:
		w.U8(outcomeUnavailable)
		w.Str(o.postcode)
		w.Str(o.err.Message)
	}
	return w.B
}

var errBadInputs = errors.New("bad recorded lookup inputs")

func decodeOutcome(b []byte) (lookupOutcome, error) {
	r := snap.NewReader(b)
	if v := r.U8(); v != inputsVersion {
		return lookupOutcome{}, fmt.Errorf("%w: version %d", errBadInputs, v)
	}
	kind := r.U8()
	o := lookupOutcome{postcode: r.Str()}
	switch kind {
	case outcomeFound:
		o.addr = Address{Postcode: o.postcode, Line: r.Str(), District: r.Str(), Region: r.Str(),
			Country: r.Str(), Latitude: r.F64(), Longitude: r.F64()}
	case outcomeUnknown:
		o.err = &OrderError{Reason: UnknownPostcode, Message: r.Str()}
	case outcomeUnavailable:
		o.err = &OrderError{Reason: AddressServiceUnavailable, Message: r.Str()}
	default:
		return lookupOutcome{}, fmt.Errorf("%w: outcome %d", errBadInputs, kind)
	}
	r.End()
	if err := r.Err(); err != nil {
		return lookupOutcome{}, fmt.Errorf("%w: %v", errBadInputs, err)
	}
	return o, nil
}
