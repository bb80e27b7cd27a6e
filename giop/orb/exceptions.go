package orb

import (
	"errors"
	"fmt"
	"strings"

	"concord/giop/cdr"
)

// CompletionStatus says whether the operation ran before a system exception.
type CompletionStatus uint32

const (
	CompletedYes   CompletionStatus = 0
	CompletedNo    CompletionStatus = 1
	CompletedMaybe CompletionStatus = 2
)

func (c CompletionStatus) String() string {
	switch c {
	case CompletedYes:
		return "COMPLETED_YES"
	case CompletedNo:
		return "COMPLETED_NO"
	case CompletedMaybe:
		return "COMPLETED_MAYBE"
	}
	return fmt.Sprintf("CompletionStatus(%d)", uint32(c))
}

// Standard system exception names (the part of the repository id between
// "IDL:omg.org/CORBA/" and ":1.0").
const (
	UNKNOWN                = "UNKNOWN"
	BAD_PARAM              = "BAD_PARAM"
	NO_MEMORY              = "NO_MEMORY"
	IMP_LIMIT              = "IMP_LIMIT"
	COMM_FAILURE           = "COMM_FAILURE"
	INV_OBJREF             = "INV_OBJREF"
	NO_PERMISSION          = "NO_PERMISSION"
	INTERNAL               = "INTERNAL"
	MARSHAL                = "MARSHAL"
	NO_IMPLEMENT           = "NO_IMPLEMENT"
	BAD_OPERATION          = "BAD_OPERATION"
	NO_RESOURCES           = "NO_RESOURCES"
	TRANSIENT              = "TRANSIENT"
	OBJECT_NOT_EXIST       = "OBJECT_NOT_EXIST"
	DATA_CONVERSION        = "DATA_CONVERSION"
	TIMEOUT                = "TIMEOUT"
	BAD_INV_ORDER          = "BAD_INV_ORDER"
	INV_FLAG               = "INV_FLAG"
	OBJ_ADAPTER            = "OBJ_ADAPTER"
	TRANSACTION_ROLLEDBACK = "TRANSACTION_ROLLEDBACK"
)

// OMGMinor builds a standard minor code (OMG vendor minor codeset id 0x4f4d0000).
func OMGMinor(n uint32) uint32 { return 0x4f4d0000 | n }

const repoPrefix = "IDL:omg.org/CORBA/"

// SystemException is a CORBA system exception, as raised by a servant or
// received in a reply. It is comparable with errors.Is by name.
type SystemException struct {
	RepoID    string
	Minor     uint32
	Completed CompletionStatus
	// Detail is a local explanation; it does not travel on the wire.
	Detail string
}

// NewSystemException builds a standard exception from its short name (e.g. MARSHAL).
func NewSystemException(name string, minor uint32, completed CompletionStatus, detail string) *SystemException {
	return &SystemException{RepoID: repoPrefix + name + ":1.0", Minor: minor, Completed: completed, Detail: detail}
}

// Name returns the short name, e.g. "OBJECT_NOT_EXIST".
func (e *SystemException) Name() string {
	s := strings.TrimPrefix(e.RepoID, repoPrefix)
	return strings.TrimSuffix(s, ":1.0")
}

func (e *SystemException) Error() string {
	s := fmt.Sprintf("CORBA::%s (minor %#x, %v)", e.Name(), e.Minor, e.Completed)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Is matches another *SystemException with the same repository id, so
// errors.Is(err, orb.NewSystemException(orb.TRANSIENT, 0, 0, "")) works.
func (e *SystemException) Is(target error) bool {
	t, ok := target.(*SystemException)
	return ok && t.RepoID == e.RepoID
}

// Marshal writes the exception as a SYSTEM_EXCEPTION reply body.
func (e *SystemException) Marshal(enc *cdr.Encoder) {
	enc.WriteString(e.RepoID)
	enc.WriteULong(e.Minor)
	enc.WriteULong(uint32(e.Completed))
}

// UnmarshalSystemException reads a SYSTEM_EXCEPTION reply body.
func UnmarshalSystemException(d *cdr.Decoder) (*SystemException, error) {
	e := &SystemException{RepoID: d.ReadString(), Minor: d.ReadULong(), Completed: CompletionStatus(d.ReadULong())}
	if err := d.Err(); err != nil {
		return nil, err
	}
	if e.Completed > CompletedMaybe {
		return nil, cdr.MarshalError("completion status %d", e.Completed)
	}
	return e, nil
}

// UserException is an IDL exception raised by an operation. Generated code
// implements it; MarshalCDR writes the members only (the ORB writes the id).
type UserException interface {
	error
	RepositoryID() string
	MarshalCDR(e *cdr.Encoder)
}

// BadOperation is the BAD_OPERATION exception for an unknown operation name.
func BadOperation(op string) error {
	return NewSystemException(BAD_OPERATION, 0, CompletedNo, fmt.Sprintf("unknown operation %q", op))
}

// AsSystemException turns any error into the system exception that should
// go on the wire: codec errors become MARSHAL/DATA_CONVERSION/BAD_PARAM,
// anything unknown becomes UNKNOWN.
func AsSystemException(err error, completed CompletionStatus) *SystemException {
	var se *SystemException
	if errors.As(err, &se) {
		return se
	}
	var ce *cdr.Error
	if errors.As(err, &ce) {
		return NewSystemException(string(ce.Kind), 0, completed, ce.Msg)
	}
	return NewSystemException(UNKNOWN, 0, completed, err.Error())
}
