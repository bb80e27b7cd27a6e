// Package cdrio is the plumbing every service's Execute shares: it runs a
// request through the service's generated skeleton with a CDR decoder and
// encoder set up exactly as the request's replicas.Encoding says, and turns
// the outcome into reply bytes the way the ORB server does. Keeping it in one
// place is what makes two services (and every replica) encode identically.
package cdrio

import (
	"context"
	"crypto/sha256"
	"errors"

	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/replicas"
)

// Decoder reads r's arguments with the byte order, alignment offset, code
// sets and GIOP minor the client used.
func Decoder(r replicas.Request) *cdr.Decoder {
	d := cdr.NewDecoderAt(r.Args, r.Enc.LittleEndian, int(r.Enc.ArgsOffset))
	d.SetCodeSets(cdr.CodeSets{Char: r.Enc.CharCodeSet, WChar: r.Enc.WCharCodeSet})
	d.SetGIOPMinor(r.Enc.GIOPMinor)
	return d
}

// Encoder writes a reply body that can be copied unchanged into the
// client's GIOP reply.
func Encoder(enc replicas.Encoding) *cdr.Encoder {
	e := cdr.NewEncoderAt(enc.LittleEndian, int(enc.ReplyOffset))
	e.SetCodeSets(cdr.CodeSets{Char: enc.CharCodeSet, WChar: enc.WCharCodeSet})
	e.SetGIOPMinor(enc.GIOPMinor)
	return e
}

// Dispatch runs r through a generated servant and encodes the outcome as
// the body of the GIOP reply the FE will copy to the client: the results,
// a user exception (repository id, then members, as orb's server writes
// it) or a system exception.
func Dispatch(ctx context.Context, s orb.Servant, r replicas.Request) replicas.Reply {
	in, out := Decoder(r), Encoder(r.Enc)
	err := s.Dispatch(ctx, r.Operation, in, out)
	if err == nil && out.Err() == nil {
		return replicas.Reply{Status: replicas.NoException, Body: out.Bytes()}
	}
	var ue orb.UserException
	if err != nil && errors.As(err, &ue) {
		e := Encoder(r.Enc)
		e.WriteString(ue.RepositoryID())
		ue.MarshalCDR(e)
		if e.Err() == nil {
			return replicas.Reply{Status: replicas.UserException, Body: e.Bytes()}
		}
		// The exception did not marshal (a message the client's code set
		// cannot carry): the ORB says so with a system exception too.
		err = e.Err()
	}
	return SystemException(r.Enc, orb.AsSystemException(orNil(err, out.Err()), completion(in, out)))
}

// completion says how far a failed request got: arguments that did not
// decode never reached the service; results that did not encode did.
func completion(in *cdr.Decoder, out *cdr.Encoder) orb.CompletionStatus {
	switch {
	case in.Err() != nil:
		return orb.CompletedNo
	case out.Err() != nil:
		return orb.CompletedYes
	}
	return orb.CompletedMaybe
}

func orNil(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// SystemException encodes se as a SYSTEM_EXCEPTION reply body.
func SystemException(enc replicas.Encoding, se *orb.SystemException) replicas.Reply {
	e := Encoder(enc)
	se.Marshal(e)
	return replicas.Reply{Status: replicas.SystemException, Body: e.Bytes()}
}

// Digest is the SHA-256 of a snapshot, as replicas.Service.Digest requires.
func Digest(snapshot []byte) [32]byte { return sha256.Sum256(snapshot) }
