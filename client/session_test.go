package client

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/gen/dems"
)

func newSession(t *testing.T) (*Session, *fakeDEMS, *fakeJH) {
	d, j := &fakeDEMS{}, &fakeJH{}
	clock := func() time.Time { return time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC) }
	return &Session{DEMS: d, JustHungry: j, Log: &Log{Dir: t.TempDir(), Now: clock}}, d, j
}

// run parses and executes lines in order, returning the last output.
func run(t *testing.T, s *Session, lines ...string) (string, error) {
	t.Helper()
	var out string
	var err error
	for _, l := range lines {
		cmd, ok, perr := Parse(l)
		require.NoError(t, perr, l)
		require.True(t, ok, l)
		out, err = s.Exec(context.Background(), cmd)
	}
	return out, err
}

func TestPermissions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		err   string // "" = allowed
	}{
		{"not logged in", []string{"schedule"}, "log in first"},
		{"not logged in for Just Hungry", []string{"orders"}, "log in first"},
		{"customer books", []string{"login MTLC0001", "book MTLA010726 Conferences"}, ""},
		{"customer may not add", []string{"login MTLC0001", "add MTLA010726 Conferences 2"}, "only a DEMS manager"},
		{"customer may not act for others", []string{"login MTLC0001", "for MTLC0002"}, "only a DEMS manager"},
		{"manager adds", []string{"login MTLM0001", "add MTLA010726 Conferences 2"}, ""},
		{"manager must name a customer", []string{"login MTLM0001", "book MTLA010726 Conferences"}, "for CUSTOMERID"},
		{"manager acts for a customer", []string{"login MTLM0001", "for MTLC0002", "book MTLA010726 Conferences"}, ""},
		{"guest orders food", []string{"login alice", "orders"}, ""},
		{"guest may not book", []string{"login alice", "book MTLA010726 Conferences"}, "only a DEMS customer or manager"},
		{"login again drops for", []string{"login MTLM0001", "for MTLC0002", "login MTLM0002", "schedule"}, "for CUSTOMERID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newSession(t)
			_, err := run(t, s, tc.lines...)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			var na *NotAllowedError
			require.ErrorAs(t, err, &na)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestManagerActsForCustomer(t *testing.T) {
	s, d, _ := newSession(t)
	out, err := run(t, s, "login MTLM0001", "for MTLC0002", "book MTLA010726 Seminars")
	require.NoError(t, err)
	assert.Equal(t, "Booked MTLC0002 on MTLA010726 (Seminars).", out)
	assert.Equal(t, []string{"book MTLC0002 MTLA010726 Seminars"}, d.calls)
}

func TestOutputs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		lines []string
		want  []string // substrings of the output
	}{
		{"schedule table", nil, []string{"login MTLC0001", "schedule"},
			[]string{"Bookings of MTLC0001:", "EVENT       TYPE", "MTLA010726  Conferences", "QUEM030726  Seminars"}},
		{"user exception", &dems.EventError{Reason: dems.Full, Message: "no seat left"}, []string{"login MTLC0001", "book MTLA010726 Conferences"},
			[]string{"refused: Full: no seat left"}},
		{"system exception", transient, []string{"login MTLC0001", "book MTLA010726 Conferences"},
			[]string{"service unavailable (TRANSIENT), try again"}},
		{"order", nil, []string{"login alice", `order R01 R01-S1:2 "SW1A 1AA" r1`},
			[]string{"Order ORD000001 (Placed) for alice from R01, total £19.95, request r1", "R01-S1  Spring rolls  2    £4.50  £9.00"}},
		{"order refused", nil, []string{"login alice", `order R01 R01-S1:2 "ZZ99 9ZZ" r1`},
			[]string{"refused: UnknownPostcode: no such postcode"}},
		{"help lists only allowed", nil, []string{"login MTLC0001", "help"},
			[]string{"book EVENTID TYPE", "order RESTAURANTID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d, _ := newSession(t)
			d.err = tc.err
			out, err := run(t, s, tc.lines...)
			require.NoError(t, err)
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
		})
	}
}

func TestHelpHidesManagerCommands(t *testing.T) {
	s, _, _ := newSession(t)
	out, err := run(t, s, "login MTLC0001", "help")
	require.NoError(t, err)
	assert.NotContains(t, out, "add EVENTID")
	out, err = run(t, s, "login MTLM0001", "help")
	require.NoError(t, err)
	assert.Contains(t, out, "add EVENTID")
}

func TestSystemFailuresCounted(t *testing.T) {
	s, d, _ := newSession(t)
	d.err = &dems.EventError{Reason: dems.Full}
	_, err := run(t, s, "login MTLC0001", "book MTLA010726 Conferences")
	require.NoError(t, err)
	assert.Zero(t, s.Failures, "a refusal is an answer")
	d.err = transient
	_, err = run(t, s, "book MTLA010726 Conferences")
	require.NoError(t, err)
	assert.Equal(t, 1, s.Failures)
}

func TestLogFile(t *testing.T) {
	s, d, j := newSession(t)
	_, err := run(t, s, "login MTLM0001", "for MTLC0002", "book MTLA010726 Seminars")
	require.NoError(t, err)
	d.err = &dems.EventError{Reason: dems.AlreadyBooked, Message: "already"}
	_, err = run(t, s, "book MTLA010726 Seminars", "login alice", `order R01 R01-S1:2 "SW1A 1AA"`)
	require.NoError(t, err)

	b, err := os.ReadFile(filepath.Join(s.Log.Dir, "MTLM0001.log"))
	require.NoError(t, err)
	assert.Equal(t, `2026-07-01T10:00:00Z request=book MTLA010726 Seminars (for MTLC0002) result=ok {customerId="MTLC0002", eventId="MTLA010726", type=Seminars}
2026-07-01T10:00:00Z request=book MTLA010726 Seminars (for MTLC0002) result=raises DEMS::EventError(reason=AlreadyBooked) refused: AlreadyBooked: already
`, string(b))
	b, err = os.ReadFile(filepath.Join(s.Log.Dir, "alice.log"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `request=order R01 R01-S1:2 "SW1A 1AA" result=ok {id="ORD000001"`)
	// The generated request id is the user's, the time's and a counter's.
	require.Len(t, j.calls, 1)
	assert.True(t, strings.HasPrefix(j.calls[0], "order alice R01 SW1A 1AA alice-"), j.calls[0])
}

func TestLogFileName(t *testing.T) {
	l := &Log{Dir: "d"}
	for _, tc := range []struct{ user, want string }{
		{"MTLC0001", "MTLC0001.log"}, {"../etc/x", "_._etc_x.log"}, {".hidden", "_hidden.log"}, {"", "_.log"}, {"a b", "a_b.log"},
	} {
		t.Run(tc.user, func(t *testing.T) { assert.Equal(t, filepath.Join("d", tc.want), l.FileName(tc.user)) })
	}
}
