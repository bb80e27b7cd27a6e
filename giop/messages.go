package giop

import (
	"concord/giop/cdr"
	"concord/giop/ior"
)

// ServiceContext is one IOP::ServiceContext.
type ServiceContext struct {
	ID   uint32
	Data []byte
}

// Service context ids used here.
const (
	SCCodeSets uint32 = 1 // CONV_FRAME::CodeSetContext
)

// AddressingDisposition selects the TargetAddress union arm (GIOP 1.2).
type AddressingDisposition int16

const (
	KeyAddr       AddressingDisposition = 0
	ProfileAddr   AddressingDisposition = 1
	ReferenceAddr AddressingDisposition = 2
)

// TargetAddress names the target object of a GIOP 1.2 Request or
// LocateRequest; GIOP 1.0/1.1 always use a plain object key.
type TargetAddress struct {
	Disposition     AddressingDisposition
	ObjectKey       []byte            // KeyAddr
	Profile         ior.TaggedProfile // ProfileAddr
	SelectedProfile uint32            // ReferenceAddr
	IOR             *ior.IOR          // ReferenceAddr
}

// Key returns the object key however the target was addressed.
func (t *TargetAddress) Key() ([]byte, error) {
	switch t.Disposition {
	case KeyAddr:
		return t.ObjectKey, nil
	case ProfileAddr:
		return keyFromProfile(t.Profile)
	default:
		if t.IOR == nil || int(t.SelectedProfile) >= len(t.IOR.Profiles) {
			return nil, protoErrf("ReferenceAddr selects profile %d of %d", t.SelectedProfile, lenProfiles(t.IOR))
		}
		return keyFromProfile(t.IOR.Profiles[t.SelectedProfile])
	}
}

func lenProfiles(r *ior.IOR) int {
	if r == nil {
		return 0
	}
	return len(r.Profiles)
}

func keyFromProfile(p ior.TaggedProfile) ([]byte, error) {
	if p.Tag != ior.TagInternetIOP {
		return nil, protoErrf("target profile tag %d is not IIOP", p.Tag)
	}
	ip, err := ior.ParseIIOPProfile(p.Data)
	if err != nil {
		return nil, protoErrf("target profile: %v", err)
	}
	return ip.ObjectKey, nil
}

// Response flags of a GIOP 1.2 Request (SyncScope); 1.0/1.1 have only a boolean.
const (
	ResponseNone       uint8 = 0 // oneway, SYNC_NONE / SYNC_WITH_TRANSPORT
	ResponseWithServer uint8 = 1 // SYNC_WITH_SERVER
	ResponseExpected   uint8 = 3 // SYNC_WITH_TARGET: a normal two-way call
)

// Request is a Request message header; the arguments follow it.
type Request struct {
	RequestID       uint32
	ResponseFlags   uint8
	Target          TargetAddress
	Operation       string
	Principal       []byte // GIOP 1.0/1.1 only
	ServiceContexts []ServiceContext
}

// ResponseExpected reports whether the client waits for a Reply.
func (r *Request) ResponseExpected() bool { return r.ResponseFlags&1 != 0 }

// ReplyStatus is GIOP::ReplyStatusType.
type ReplyStatus uint32

const (
	NoException          ReplyStatus = 0
	UserException        ReplyStatus = 1
	SystemException      ReplyStatus = 2
	LocationForward      ReplyStatus = 3
	LocationForwardPerm  ReplyStatus = 4 // GIOP 1.2
	NeedsAddressingMode  ReplyStatus = 5 // GIOP 1.2
	maxReplyStatusGIOP10             = LocationForward
)

var replyStatusNames = [...]string{"NO_EXCEPTION", "USER_EXCEPTION", "SYSTEM_EXCEPTION", "LOCATION_FORWARD", "LOCATION_FORWARD_PERM", "NEEDS_ADDRESSING_MODE"}

func (s ReplyStatus) String() string {
	if int(s) < len(replyStatusNames) {
		return replyStatusNames[s]
	}
	return "ReplyStatus(?)"
}

// Reply is a Reply message header; the result or exception follows it.
type Reply struct {
	RequestID       uint32
	Status          ReplyStatus
	ServiceContexts []ServiceContext
}

// LocateStatus is GIOP::LocateStatusType.
type LocateStatus uint32

const (
	UnknownObject          LocateStatus = 0
	ObjectHere             LocateStatus = 1
	ObjectForward          LocateStatus = 2
	ObjectForwardPerm      LocateStatus = 3 // GIOP 1.2
	LocSystemException     LocateStatus = 4 // GIOP 1.2
	LocNeedsAddressingMode LocateStatus = 5 // GIOP 1.2
)

// LocateRequest asks whether the server holds an object.
type LocateRequest struct {
	RequestID uint32
	Target    TargetAddress
}

// LocateReply answers a LocateRequest; a forward IOR or a system exception
// may follow it.
type LocateReply struct {
	RequestID uint32
	Status    LocateStatus
}

// CodeSetContext returns the CONV_FRAME::CodeSetContext service context.
func CodeSetContext(cs cdr.CodeSets) ServiceContext {
	e := cdr.NewEncoder(false)
	e.WriteBoolean(false)
	e.WriteULong(cs.Char)
	e.WriteULong(cs.WChar)
	return ServiceContext{ID: SCCodeSets, Data: e.Bytes()}
}

// FindCodeSets returns the code sets carried by a CodeSets service context.
func FindCodeSets(scs []ServiceContext) (cdr.CodeSets, bool) {
	for _, sc := range scs {
		if sc.ID != SCCodeSets {
			continue
		}
		d := cdr.OpenEncapsulation(sc.Data)
		cs := cdr.CodeSets{Char: d.ReadULong(), WChar: d.ReadULong()}
		if d.Err() == nil {
			return cs, true
		}
	}
	return cdr.CodeSets{}, false
}

func writeServiceContexts(e *cdr.Encoder, scs []ServiceContext) {
	e.WriteULong(uint32(len(scs)))
	for _, sc := range scs {
		e.WriteULong(sc.ID)
		e.WriteOctetSeq(sc.Data)
	}
}

func readServiceContexts(d *cdr.Decoder) []ServiceContext {
	n := d.ReadSeqLen(8)
	if n == 0 {
		return nil
	}
	scs := make([]ServiceContext, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		id := d.ReadULong()
		scs = append(scs, ServiceContext{ID: id, Data: d.ReadOctetSeq()})
	}
	return scs
}

func writeTarget(e *cdr.Encoder, t *TargetAddress) {
	e.WriteShort(int16(t.Disposition))
	switch t.Disposition {
	case KeyAddr:
		e.WriteOctetSeq(t.ObjectKey)
	case ProfileAddr:
		e.WriteULong(t.Profile.Tag)
		e.WriteOctetSeq(t.Profile.Data)
	case ReferenceAddr:
		e.WriteULong(t.SelectedProfile)
		t.IOR.Marshal(e)
	}
}

func readTarget(d *cdr.Decoder) (TargetAddress, error) {
	t := TargetAddress{Disposition: AddressingDisposition(d.ReadShort())}
	switch t.Disposition {
	case KeyAddr:
		t.ObjectKey = d.ReadOctetSeq()
	case ProfileAddr:
		t.Profile.Tag = d.ReadULong()
		t.Profile.Data = d.ReadOctetSeq()
	case ReferenceAddr:
		t.SelectedProfile = d.ReadULong()
		r, err := ior.Unmarshal(d)
		if err != nil {
			return t, err
		}
		t.IOR = r
	default:
		if d.Err() == nil {
			return t, cdr.MarshalError("unknown TargetAddress disposition %d", t.Disposition)
		}
	}
	return t, d.Err()
}
