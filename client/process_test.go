package client_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/clustertest"
)

// TestClientProcess runs `concord client` as a process against a cluster:
// first --scenario (its transcript must equal the golden one every ORB is
// compared with), then a batch script on stdin, checking the output and
// the per-user logs.
func TestClientProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	c := clustertest.Start(t, clustertest.Options{})
	fe := c.Config.FrontEnd.IIOP

	t.Run("scenario", func(t *testing.T) {
		want, err := os.ReadFile(filepath.Join("..", "interop", "java", "scenarios", "services.transcript"))
		require.NoError(t, err)
		cmd := exec.Command(c.Bin, "client", "--fe", fe, "--scenario", filepath.Join("..", "interop", "java", "scenarios", "services.txt"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, stderr.String())
		assert.Equal(t, string(want), string(out))
	})

	t.Run("batch", func(t *testing.T) {
		logDir := t.TempDir()
		script := strings.Join([]string{
			"# August events, after the scenario's",
			"login SHEM0001",
			"add SHEM010826 Seminars 1",
			"login SHEC0100",
			"book SHEM010826 Seminars",
			"schedule",
			"login SHEC0101",
			"book SHEM010826 Seminars",
			"login SHEM0001",
			"for SHEC0100",
			"cancel SHEM010826 Seminars",
			"availability Seminars",
			`login "carol"`,
			`order R02 R02-M1:1 "SW1A 1AA" carol-1`,
			"orders",
			"quit",
		}, "\n") + "\n"
		cmd := exec.Command(c.Bin, "client", "--fe", fe, "--log-dir", logDir)
		cmd.Stdin = strings.NewReader(script)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "stderr: %s\nstdout: %s", stderr.String(), out)
		text := string(out)
		for _, want := range []string{
			"Event SHEM010826 (Seminars) created: capacity 1, 1 seats free",
			"Booked SHEC0100 on SHEM010826 (Seminars).",
			"Bookings of SHEC0100:",
			"> book SHEM010826 Seminars\nrefused: Full: ",
			"Cancelled the booking of SHEC0100 on SHEM010826 (Seminars).",
			"SHEM010826  Seminars  1         1",
			"(Placed) for carol from R02, total £10.50, request carol-1",
			"ORDER      RESTAURANT  STATUS",
		} {
			assert.Contains(t, text, want)
		}

		logs := map[string][]string{
			"SHEM0001.log": {"request=add SHEM010826 Seminars 1 result=ok {slot=", "request=cancel SHEM010826 Seminars (for SHEC0100) result=ok", "request=availability Seminars result=ok ["},
			"SHEC0100.log": {"request=book SHEM010826 Seminars result=ok", "request=schedule result=ok [{customerId=\"SHEC0100\""},
			"SHEC0101.log": {"request=book SHEM010826 Seminars result=raises DEMS::EventError(reason=Full) refused: Full"},
			"carol.log":    {`request=order R02 R02-M1:1 "SW1A 1AA" carol-1 result=ok {id="ORD`, "request=orders result=ok [{"},
		}
		for file, wants := range logs {
			b, err := os.ReadFile(filepath.Join(logDir, file))
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			require.Len(t, lines, len(wants), file)
			for i, w := range wants {
				assert.Contains(t, lines[i], w, file)
			}
		}
	})

	t.Run("malformed line", func(t *testing.T) {
		cmd := exec.Command(c.Bin, "client", "--fe", fe, "--log-dir", "")
		cmd.Stdin = strings.NewReader("login MTLC0001\nbook MTLA010726 Parties\nschedule\n")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		assert.NotZero(t, ee.ExitCode())
		assert.Contains(t, stderr.String(), `line 2: "book MTLA010726 Parties"`)
		assert.NotContains(t, string(out), "> schedule")
	})

	// The references the front end writes: its naming service, and one
	// service's own IOR (the other service is then unavailable).
	t.Run("ior files", func(t *testing.T) {
		for _, tc := range []struct {
			file, script, want string
			ok                 bool
		}{
			{"NameService.ior", "login MTLC0001\nschedule\nrestaurants\n", "R01  The Golden Wok", true},
			{"DEMS.ior", "login MTLC0001\nschedule\n", "Bookings of MTLC0001:", true},
			{"DEMS.ior", "login alice\nrestaurants\n", "error: no Just Hungry service reference", false},
		} {
			t.Run(tc.file, func(t *testing.T) {
				cmd := exec.Command(c.Bin, "client", "--ior-file", filepath.Join(c.Dir, tc.file), "--log-dir", "")
				cmd.Stdin = strings.NewReader(tc.script)
				out, err := cmd.Output()
				if tc.ok {
					require.NoError(t, err, string(out))
				} else {
					require.Error(t, err)
				}
				assert.Contains(t, string(out), tc.want)
			})
		}
	})

	t.Run("bad flag", func(t *testing.T) {
		out, err := exec.Command(c.Bin, "client", "--fee", fe).CombinedOutput()
		require.Error(t, err)
		assert.Contains(t, string(out), "--fee")
	})
}
