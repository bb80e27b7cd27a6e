package wire

import (
	"errors"
	"fmt"
)

// Reason classifies why a datagram was refused, so shells can count drops
// per cause without parsing error strings.
type Reason uint8

// Drop reasons. ReasonNone is never returned by Open.
const (
	ReasonNone      Reason = iota
	ReasonShort            // shorter than header + MAC
	ReasonTooLarge         // longer than MaxDatagram, or a field over its limit
	ReasonMagic            // not a concord datagram
	ReasonVersion          // unknown protocol version
	ReasonType             // unknown message type
	ReasonMAC              // wrong key or tampered bytes
	ReasonMalformed        // payload does not match the documented layout
	numReasons
)

// NumReasons is the number of distinct reasons, for counter arrays.
const NumReasons = int(numReasons)

var reasonNames = [...]string{"none", "short", "too_large", "bad_magic", "bad_version", "bad_type", "bad_mac", "malformed"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Error is the typed error returned by Open and Seal.
type Error struct {
	Reason Reason
	Detail string
}

func (e *Error) Error() string { return "wire: " + e.Reason.String() + ": " + e.Detail }

// Is makes errors.Is(err, ErrMAC) and friends work on any *Error with the same reason.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Detail == "" && t.Reason == e.Reason
}

// Sentinels for errors.Is.
var (
	ErrShort     = &Error{Reason: ReasonShort}
	ErrTooLarge  = &Error{Reason: ReasonTooLarge}
	ErrMagic     = &Error{Reason: ReasonMagic}
	ErrVersion   = &Error{Reason: ReasonVersion}
	ErrType      = &Error{Reason: ReasonType}
	ErrMAC       = &Error{Reason: ReasonMAC}
	ErrMalformed = &Error{Reason: ReasonMalformed}
)

// ReasonOf extracts the drop reason of an error from this package
// (ReasonMalformed for any other non-nil error).
func ReasonOf(err error) Reason {
	if err == nil {
		return ReasonNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ReasonMalformed
}

func errf(r Reason, format string, args ...any) error {
	return &Error{Reason: r, Detail: fmt.Sprintf(format, args...)}
}
