package parse

import (
	"fmt"
	"strings"

	"concord/idl/ast"
)

// Error is one problem in the IDL source, printed as file:line:col: message.
type Error struct {
	Pos ast.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found, in source order of discovery.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

func errorf(pos ast.Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// bailout unwinds the parser after a syntax error; it never escapes the package.
type bailout struct{}
