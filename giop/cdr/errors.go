package cdr

import "fmt"

// Kind names the CORBA system exception a codec error maps to.
type Kind string

const (
	// KindMarshal: the bytes do not form a valid value (truncated, bad length, bad enum).
	KindMarshal Kind = "MARSHAL"
	// KindDataConversion: a character cannot be represented in the negotiated code set.
	KindDataConversion Kind = "DATA_CONVERSION"
	// KindBadParam: a value given to the encoder breaks an IDL bound.
	KindBadParam Kind = "BAD_PARAM"
)

// Error is a codec failure. The ORB turns it into the system exception named by Kind.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Msg }

// MarshalError reports bytes that do not decode (bad enum value, bound
// exceeded, unknown union discriminator, truncation).
func MarshalError(format string, args ...any) error {
	return &Error{Kind: KindMarshal, Msg: fmt.Sprintf(format, args...)}
}

// BadParamError reports a value the caller gave that breaks an IDL bound.
func BadParamError(format string, args ...any) error {
	return &Error{Kind: KindBadParam, Msg: fmt.Sprintf(format, args...)}
}

func conversionError(format string, args ...any) error {
	return &Error{Kind: KindDataConversion, Msg: fmt.Sprintf(format, args...)}
}
