package naming

import (
	"fmt"

	"concord/giop/cdr"
)

// NotFoundReason is CosNaming::NamingContext::NotFoundReason.
type NotFoundReason uint32

const (
	MissingNode NotFoundReason = 0
	NotContext  NotFoundReason = 1
	NotObject   NotFoundReason = 2
)

// NotFound is CosNaming::NamingContext::NotFound.
type NotFound struct {
	Why  NotFoundReason
	Rest Name
}

func (e *NotFound) Error() string {
	return fmt.Sprintf("naming: not found (reason %d): %s", e.Why, e.Rest)
}

// RepositoryID implements orb.UserException.
func (*NotFound) RepositoryID() string { return "IDL:omg.org/CosNaming/NamingContext/NotFound:1.0" }

// MarshalCDR implements orb.UserException.
func (e *NotFound) MarshalCDR(enc *cdr.Encoder) {
	enc.WriteULong(uint32(e.Why))
	writeName(enc, e.Rest)
}

// InvalidName is CosNaming::NamingContext::InvalidName.
type InvalidName struct{ Detail string }

func (e *InvalidName) Error() string { return "naming: invalid name: " + e.Detail }

// RepositoryID implements orb.UserException.
func (*InvalidName) RepositoryID() string {
	return "IDL:omg.org/CosNaming/NamingContext/InvalidName:1.0"
}

// MarshalCDR implements orb.UserException (no members).
func (*InvalidName) MarshalCDR(*cdr.Encoder) {}

// InvalidAddress is CosNaming::NamingContextExt::InvalidAddress.
type InvalidAddress struct{}

func (*InvalidAddress) Error() string { return "naming: invalid address" }

// RepositoryID implements orb.UserException.
func (*InvalidAddress) RepositoryID() string {
	return "IDL:omg.org/CosNaming/NamingContextExt/InvalidAddress:1.0"
}

// MarshalCDR implements orb.UserException (no members).
func (*InvalidAddress) MarshalCDR(*cdr.Encoder) {}
