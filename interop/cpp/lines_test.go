package cppinterop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/interop/java/interoptest"
	"concord/interop/scenario"
)

// TestScenarioLines runs small scenarios against one unreplicated replica of
// each service (no cluster needed): string escapes both ways, results kept
// by name, and script errors, which must be reported on their line while
// the run goes on, with exit status 1.
func TestScenarioLines(t *testing.T) {
	bin := scenarioBin(t)
	srv, err := interoptest.StartReplicaServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	refs := []string{"DEMS=" + srv.Corbaloc(interoptest.DEMSKey), "JustHungry=" + srv.Corbaloc(interoptest.JustHungryKey)}
	const invalidID = " -> raises DEMS::EventError(reason=InvalidId)\n"
	const sw1a = `{postcode="SW1A 1AA", line="Westminster, London", district="Westminster", region="London", country="England", latitude=51.501009, longitude=-0.141563}`

	tests := []struct {
		name, script, want string
		failed             bool // exit status 1 expected
	}{
		// want ending in "-> " checks the call part only: omniORB sends the
		// argument through a corbaloc reference (no code set component) in
		// ISO-8859-1, so a character beyond it ends in DATA_CONVERSION.
		{"escapes", `DEMS getBookingSchedule "a\"b\\c \u00e9\u0001"`,
			"DEMS.getBookingSchedule(" + scenario.Quote("a\"b\\c é\x01") + ")" + invalidID, false},
		{"surrogate pair", `DEMS getBookingSchedule "\ud83d\ude00"`,
			"DEMS.getBookingSchedule(" + scenario.Quote("\U0001F600") + ") -> ", true},
		{"raw UTF-8 and tab", "DEMS getBookingSchedule \"\u00e9\tx\"",
			"DEMS.getBookingSchedule(" + scenario.Quote("é\tx") + ")" + invalidID, false},
		{"bound result field", "a = JustHungry lookupAddress \"sw1a1aa\"\nJustHungry lookupAddress $a.postcode",
			`JustHungry.lookupAddress("sw1a1aa") -> ` + sw1a + "\n" + `JustHungry.lookupAddress("SW1A 1AA") -> ` + sw1a + "\n", false},
		{"no such result", "JustHungry cancelOrder alice $nope.id\nJustHungry getOrders nobody",
			"JustHungry.cancelOrder -> error line 1: $nope.id: no such earlier result\nJustHungry.getOrders(\"nobody\") -> []\n", true},
		{"unknown operation", "# comment\n\nDEMS fly away",
			"DEMS.fly -> error line 3: DEMS has no operation fly\n", true},
		{"wrong arity", "DEMS bookEvent MTLC0001",
			"DEMS.bookEvent -> error line 1: bookEvent takes 3 arguments\n", true},
		{"bad enum label", "DEMS bookEvent MTLC0001 MTLA010726 Parties",
			"DEMS.bookEvent -> error line 1: Parties is not a EventKind\n", true},
		{"bad long", "DEMS addEvent MTLM0001 MTLA010726 Conferences two",
			"DEMS.addEvent -> error line 1: not a long: two\n", true},
		{"bad order lines", `JustHungry placeOrder bob R04 R04-D2:1 "SW1A 1AA" r1`,
			"JustHungry.placeOrder -> error line 1: want [id:qty,...], got R04-D2:1\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "s.txt")
			require.NoError(t, os.WriteFile(file, []byte(tc.script+"\n"), 0o644))
			out, stderr, err := runScenario(bin, nil, append([]string{file}, refs...)...)
			if strings.HasSuffix(tc.want, "-> ") {
				assert.True(t, strings.HasPrefix(out, tc.want), "got %q, want a line starting %q", out, tc.want)
			} else {
				assert.Equal(t, tc.want, out, "stderr: %s", stderr)
			}
			if tc.failed {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err, "stderr: %s", stderr)
			}
		})
	}
}

// TestScenarioUsage: bad command lines exit with status 2 and a message.
func TestScenarioUsage(t *testing.T) {
	bin := scenarioBin(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	require.NoError(t, os.WriteFile(good, []byte("DEMS getBookingSchedule MTLC0001\n"), 0o644))
	bad := filepath.Join(dir, "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte("DEMS getBookingSchedule \"open\n"), 0o644))
	tests := []struct {
		name, stderr string
		args         []string
	}{
		{"no file", "usage:", nil},
		{"missing file", "cannot read", []string{filepath.Join(dir, "nope.txt")}},
		{"unterminated string", "line 1: unterminated string", []string{bad}},
		{"bad ref argument", "want SERVICE=REF", []string{good, "DEMS"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runScenario(bin, nil, tc.args...)
			assert.Empty(t, out)
			assert.Contains(t, stderr, tc.stderr)
			var exit interface{ ExitCode() int }
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, 2, exit.ExitCode())
		})
	}
}
