package giop

import "fmt"

// ProtocolError is a violation of the GIOP framing rules. The receiver
// answers with a MessageError and closes the connection.
type ProtocolError struct {
	Msg string
	// UnsupportedVersion: the peer speaks a GIOP version we do not; the
	// MessageError is sent in the highest version we support.
	UnsupportedVersion bool
	// TooLarge: the message exceeds the configured maximum size.
	TooLarge bool
}

func (e *ProtocolError) Error() string { return "giop: " + e.Msg }

func protoErrf(format string, args ...any) error {
	return &ProtocolError{Msg: fmt.Sprintf(format, args...)}
}
