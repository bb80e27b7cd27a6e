package frontend

import (
	"bytes"
	"context"
	"fmt"

	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/internal/wire"
	"concord/replicas"
)

// Voted is the servant of an actively replicated object (DEMS): it forwards
// each request's raw CDR arguments, with their byte order and alignment, and
// copies the agreed reply body into the client's reply unchanged.
type Voted struct {
	fe      *Server
	service string
	ids     []string
}

// Voted returns the servant forwarding to service; repoIDs are the object's
// repository ids, most derived first.
func (s *Server) Voted(service string, repoIDs []string) *Voted {
	return &Voted{fe: s, service: service, ids: repoIDs}
}

// RepositoryIDs implements orb.Servant.
func (v *Voted) RepositoryIDs() []string { return v.ids }

// Dispatch implements orb.Servant.
func (v *Voted) Dispatch(ctx context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	enc := encodingOf(in, out)
	// Cloned: the ORB may reuse the request buffer once Dispatch returns,
	// and the submitter keeps the request for retransmission.
	r := v.fe.Call(ctx, v.service, op, enc, bytes.Clone(in.Rest()))
	if err := resultError(r); err != nil {
		return err
	}
	return copyReply(enc, r.Status, r.Body, out)
}

// encodingOf describes the request's arguments and where the reply body
// will start, so replicas encode byte-identical, correctly aligned replies.
func encodingOf(in *cdr.Decoder, out *cdr.Encoder) wire.Encoding {
	cs := in.CodeSets()
	return wire.Encoding{
		LittleEndian: in.LittleEndian(),
		ArgsOffset:   uint8(in.Pos() % 8),
		ReplyOffset:  uint8(out.Pos() % 8),
		GIOPMinor:    in.GIOPMinor(),
		CharCodeSet:  cs.Char,
		WCharCodeSet: cs.WChar,
	}
}

// copyReply turns an agreed replica reply into the servant's result.
func copyReply(enc wire.Encoding, status uint32, body []byte, out *cdr.Encoder) error {
	switch replicas.ReplyStatus(status) {
	case replicas.NoException:
		out.WriteOctets(body)
		return nil
	case replicas.UserException:
		d := cdr.NewDecoderAt(body, enc.LittleEndian, int(enc.ReplyOffset))
		id := d.ReadString()
		if err := d.Err(); err != nil {
			return orb.NewSystemException(orb.INTERNAL, 0, orb.CompletedYes, "agreed user exception unreadable: "+err.Error())
		}
		return &rawUserException{id: id, members: body[d.Offset():]}
	case replicas.SystemException:
		se, err := orb.UnmarshalSystemException(cdr.NewDecoderAt(body, enc.LittleEndian, int(enc.ReplyOffset)))
		if err != nil {
			return orb.NewSystemException(orb.INTERNAL, 0, orb.CompletedMaybe, "agreed system exception unreadable: "+err.Error())
		}
		return se
	}
	return orb.NewSystemException(orb.INTERNAL, 0, orb.CompletedMaybe, fmt.Sprintf("agreed reply has status %d", status))
}

// rawUserException replays a replica's user exception: the ORB writes the
// repository id, then the members exactly as the replicas encoded them (the
// alignment matches because the replicas encoded at the same offset).
type rawUserException struct {
	id      string
	members []byte
}

func (e *rawUserException) Error() string             { return "user exception " + e.id }
func (e *rawUserException) RepositoryID() string      { return e.id }
func (e *rawUserException) MarshalCDR(o *cdr.Encoder) { o.WriteOctets(e.members) }
