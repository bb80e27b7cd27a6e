package client

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunBatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		failing bool     // the DEMS fake fails every call with TRANSIENT
		out     []string // substrings of the output, in order
		errLine int      // wanted *LineError line (0: none)
		errText string
	}{
		{"runs each line", "# a comment\nlogin MTLC0001\n\nbook MTLA010726 Conferences\nschedule\n", false,
			[]string{"> login MTLC0001", "Logged in as MTLC0001 (customer).", "> book MTLA010726 Conferences", "Booked MTLC0001", "> schedule", "MTLA010726  Conferences"}, 0, ""},
		{"malformed line stops the run", "login MTLC0001\nbook MTLA010726\nschedule\n", false,
			[]string{"> login MTLC0001"}, 2, "want 2 arguments"},
		{"not allowed stops the run", "login MTLC0001\nadd MTLA010726 Conferences 2\n", false,
			[]string{"> login MTLC0001"}, 2, "only a DEMS manager"},
		{"quit ends early", "login alice\nquit\nfly\n", false, []string{"> quit"}, 0, ""},
		{"system exceptions fail at the end", "login MTLC0001\nbook MTLA010726 Conferences\nschedule\n", true,
			[]string{"service unavailable (TRANSIENT), try again", "> schedule", "service unavailable"}, 0, "some operations failed: 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d, _ := newSession(t)
			if tc.failing {
				d.err = transient
			}
			var out bytes.Buffer
			err := RunBatch(context.Background(), s, strings.NewReader(tc.script), &out)
			switch {
			case tc.errLine != 0:
				var le *LineError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tc.errLine, le.Line)
				assert.Contains(t, err.Error(), tc.errText)
				assert.Contains(t, err.Error(), "line ")
			case tc.errText != "":
				require.ErrorIs(t, err, ErrFailures)
				assert.Contains(t, err.Error(), tc.errText)
			default:
				require.NoError(t, err)
			}
			rest := out.String()
			for _, w := range tc.out {
				i := strings.Index(rest, w)
				require.GreaterOrEqual(t, i, 0, "want %q in order in:\n%s", w, out.String())
				rest = rest[i+len(w):]
			}
			if tc.name == "malformed line stops the run" {
				assert.NotContains(t, out.String(), "> schedule")
			}
		})
	}
}

func TestRunInteractive(t *testing.T) {
	s, d, _ := newSession(t)
	// Log in, pick "for" by typing it, then a menu number with prompted
	// arguments, then an invalid choice, then quit.
	in := strings.Join([]string{"MTLM0001", "for MTLC0007", "6", "MTLA010726", "TradeShows", "99", "quit"}, "\n") + "\n"
	var out bytes.Buffer
	require.NoError(t, RunInteractive(context.Background(), s, strings.NewReader(in), &out))
	assert.Equal(t, []string{"book MTLC0007 MTLA010726 TradeShows"}, d.calls)
	text := out.String()
	assert.Contains(t, text, "  3) add")
	assert.Contains(t, text, "  6) book")
	assert.Contains(t, text, "EVENTID: ")
	assert.Contains(t, text, "TYPE (Conferences, Seminars, TradeShows): ")
	assert.Contains(t, text, "Booked MTLC0007 on MTLA010726 (TradeShows).")
	assert.Contains(t, text, "no choice 99")
}

func TestRunInteractiveCustomerMenu(t *testing.T) {
	s, _, _ := newSession(t)
	var out bytes.Buffer
	require.NoError(t, RunInteractive(context.Background(), s, strings.NewReader("MTLC0001\n"), &out))
	text := out.String()
	assert.Contains(t, text, "book")
	assert.NotContains(t, text, ") add ")
	assert.NotContains(t, text, ") availability")
}
