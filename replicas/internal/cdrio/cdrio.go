// Package cdrio is the plumbing every service's Execute shares: a CDR
// decoder and encoder set up exactly as a request's replicas.Encoding says,
// and the reply bodies of user and system exceptions. Keeping it in one
// place is what makes two services (and every replica) encode identically.
package cdrio

import (
	"crypto/sha256"
	"errors"

	"concord/giop/cdr"
	"concord/replicas"
)

// Completion status values of a system exception (CORBA::CompletionStatus).
const (
	CompletedYes   uint32 = 0
	CompletedNo    uint32 = 1
	CompletedMaybe uint32 = 2
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

// Result finishes a reply: the encoder's bytes with status, or, if encoding
// failed (say a name that the client's code set cannot carry), the system
// exception the codec error maps to. completed says whether state changed.
func Result(enc replicas.Encoding, e *cdr.Encoder, status replicas.ReplyStatus, completed uint32) replicas.Reply {
	if err := e.Err(); err != nil {
		return SystemError(enc, err, completed)
	}
	return replicas.Reply{Status: status, Body: e.Bytes()}
}

// UserException encodes a user exception: repository id, then the members.
func UserException(enc replicas.Encoding, repoID string, members func(*cdr.Encoder), completed uint32) replicas.Reply {
	e := Encoder(enc)
	e.WriteString(repoID)
	members(e)
	return Result(enc, e, replicas.UserException, completed)
}

// SystemException encodes a standard system exception by its short name
// (MARSHAL, BAD_OPERATION...): repository id, minor code, completion status.
func SystemException(enc replicas.Encoding, name string, minor, completed uint32) replicas.Reply {
	e := Encoder(enc)
	e.WriteString("IDL:omg.org/CORBA/" + name + ":1.0")
	e.WriteULong(minor)
	e.WriteULong(completed)
	return replicas.Reply{Status: replicas.SystemException, Body: e.Bytes()}
}

// SystemError maps a codec error to its system exception (MARSHAL,
// DATA_CONVERSION, BAD_PARAM); any other error is UNKNOWN.
func SystemError(enc replicas.Encoding, err error, completed uint32) replicas.Reply {
	var ce *cdr.Error
	if errors.As(err, &ce) {
		return SystemException(enc, string(ce.Kind), 0, completed)
	}
	return SystemException(enc, "UNKNOWN", 0, completed)
}

// BadOperation is the reply to an operation the interface does not have.
func BadOperation(enc replicas.Encoding) replicas.Reply {
	return SystemException(enc, "BAD_OPERATION", 0, CompletedNo)
}

// Digest is the SHA-256 of a snapshot, as replicas.Service.Digest requires.
func Digest(snapshot []byte) [32]byte { return sha256.Sum256(snapshot) }
