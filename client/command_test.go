package client

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		cmd        string   // wanted command name ("" = no command)
		args       []string // wanted arguments
		err        string   // wanted error text
	}{
		{"blank", "   ", "", nil, ""},
		{"comment", "# book MTLA010726 Conferences", "", nil, ""},
		{"login", "login MTLC0001", "login", []string{"MTLC0001"}, ""},
		{"login any name", `login "alice smith"`, "login", []string{"alice smith"}, ""},
		{"login empty name", `login ""`, "", nil, "USERID is empty"},
		{"book", "book MTLA010726 Conferences", "book", []string{"MTLA010726", "Conferences"}, ""},
		{"extra blanks", "  book\tMTLA010726   Seminars ", "book", []string{"MTLA010726", "Seminars"}, ""},
		{"bad event type", "book MTLA010726 Parties", "", nil, "TYPE: Parties is not a DEMS::EventKind"},
		{"lower-case type refused", "book MTLA010726 conferences", "", nil, "is not a DEMS::EventKind"},
		{"too few args", "book MTLA010726", "", nil, "want 2 arguments, got 1 (usage: book EVENTID TYPE)"},
		{"too many args", "schedule MTLC0001", "", nil, "want 0 arguments, got 1"},
		{"capacity", "add MTLA010726 Conferences 3", "add", []string{"MTLA010726", "Conferences", "3"}, ""},
		{"capacity not a number", "add MTLA010726 Conferences three", "", nil, `CAPACITY: "three" is not a whole number`},
		{"capacity overflow", "add MTLA010726 Conferences 99999999999", "", nil, "is not a whole number"},
		{"swap", "swap QUEE030726 Seminars SHEA040726 TradeShows", "swap", []string{"QUEE030726", "Seminars", "SHEA040726", "TradeShows"}, ""},
		{"for customer", "for MTLC0002", "for", []string{"MTLC0002"}, ""},
		{"for nobody", "for", "for", []string{}, ""},
		{"for a manager refused", "for MTLM0002", "", nil, "is not a customer id"},
		{"order without request id", `order R01 R01-S1:2,R01-M1:1 "SW1A 1AA"`, "order", []string{"R01", "R01-S1:2,R01-M1:1", "SW1A 1AA"}, ""},
		{"order with brackets and request id", `order R01 [R01-S1:2] "SW1A 1AA" req-1`, "order", []string{"R01", "[R01-S1:2]", "SW1A 1AA", "req-1"}, ""},
		{"order bad line", `order R01 R01-S1 "SW1A 1AA"`, "", nil, `want id:qty`},
		{"order bad quantity", `order R01 R01-S1:x "SW1A 1AA"`, "", nil, `quantity "x" is not a long`},
		{"order want 3 or 4", `order R01`, "", nil, "want 3 or 4 arguments, got 1"},
		{"escapes", `address "a\"b\u00e9"`, "address", []string{"a\"bé"}, ""},
		{"unterminated quote", `address "SW1A 1AA`, "", nil, "unterminated"},
		{"unknown command", "fly MTL", "", nil, `unknown command "fly"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, ok, err := Parse(tc.line)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.False(t, ok)
				return
			}
			require.NoError(t, err)
			if tc.cmd == "" {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tc.cmd, cmd.Spec.Name)
			assert.Equal(t, tc.args, cmd.Args)
		})
	}
}

func TestRoleOf(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want Role
	}{
		{"MTLC1234", Customer}, {"QUEM0001", Manager}, {"SHEC0000", Customer},
		{"XYZC1234", Guest}, {"MTLC123", Guest}, {"mtlc1234", Guest}, {"MTLX1234", Guest}, {"alice", Guest}, {"MTLC12345", Guest},
	} {
		t.Run(tc.id, func(t *testing.T) { assert.Equal(t, tc.want, RoleOf(tc.id)) })
	}
}

// The command line a log shows must parse back to the same command.
func TestCommandStringRoundTrip(t *testing.T) {
	for _, line := range []string{`order R01 R01-S1:2 "SW1A 1AA" r1`, `address "a\"b\\c"`, `login ""x`, `menu ""`} {
		t.Run(line, func(t *testing.T) {
			cmd, ok, err := Parse(line)
			if err != nil || !ok {
				return // not every line is valid; only valid ones must round-trip
			}
			again, ok, err := Parse(cmd.String())
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, cmd.Args, again.Args)
		})
	}
}

// The README documents every command with its exact syntax.
func TestReadmeDocumentsEveryCommand(t *testing.T) {
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, s := range Specs {
		assert.Contains(t, string(b), "| `"+s.Usage()+"` |", s.Name)
	}
}
