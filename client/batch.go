package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
)

// LineError is a malformed or refused line of a batch script.
type LineError struct {
	Line int
	Text string
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %q: %v", e.Line, e.Text, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ErrFailures means some operations of a batch failed with system
// exceptions (the service was unreachable, for example).
var ErrFailures = errors.New("some operations failed")

// RunBatch runs one command a line from r, writing "> command" and its
// result to w. It stops at the first malformed or not-allowed line (a
// *LineError naming it); at the end it returns ErrFailures (wrapped) if an
// operation failed with a system exception. A refusal by the service (a
// user exception) is an answer, not a failure.
func RunBatch(ctx context.Context, s *Session, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		cmd, ok, err := Parse(sc.Text())
		if err != nil {
			return &LineError{n, sc.Text(), err}
		}
		if !ok {
			continue
		}
		fmt.Fprintf(w, "> %s\n", cmd)
		out, err := s.Exec(ctx, cmd)
		if errors.Is(err, ErrQuit) {
			break
		}
		if err != nil {
			return &LineError{n, sc.Text(), err}
		}
		fmt.Fprintln(w, out)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if s.Failures > 0 {
		return fmt.Errorf("%w: %d with a system exception", ErrFailures, s.Failures)
	}
	return nil
}
