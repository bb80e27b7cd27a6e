package javainterop

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/clustertest"
	"concord/interop/java/interoptest"
)

// TestScenarioUnderFaults runs the JacORB scenario against a cluster in
// which one DEMS replica lies from the start (rm --fault wrong) and another
// DEMS RM is killed a third of the way through: with f=1 and 4 replicas the
// client must see no difference at all, so the transcript must equal the
// golden one.
func TestScenarioUnderFaults(t *testing.T) {
	cp := javaBuild(t)
	script := filepath.Join(repoRoot, interoptest.ScenarioFile)
	calls, err := interoptest.ScenarioCalls(script)
	require.NoError(t, err)
	const liar, victim = 12, 13 // DEMS RMs of the default cluster: 11-14

	c := clustertest.Start(t, clustertest.Options{RMArgs: map[uint32][]string{liar: {"--fault", "wrong"}}})

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "java", "-cp", cp.JacORB, "-Dconcord.orb=jacorb", "concord.interop.Scenario",
		"-ORBInitRef", "NameService="+c.Corbaloc("NameService"), script)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20) // listEventAvailability lines are long
	killed := false
	for n := 1; sc.Scan(); n++ {
		out.WriteString(sc.Text() + "\n")
		if n == len(calls)/3 {
			c.Kill(clustertest.RMName(victim))
			killed = true
		}
	}
	err = cmd.Wait()
	if t.Failed() || err != nil {
		t.Logf("java stderr:\n%s", tail(stderr.String(), 20))
	}
	require.NoError(t, err)
	require.True(t, killed, "the scenario ended before the RM was killed")
	require.NoError(t, interoptest.CheckTranscript(calls, out.String()))
	want, err := os.ReadFile(filepath.Join(repoRoot, interoptest.TranscriptFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())

	// The faults must really have happened: the front end reported both.
	feLog := c.Log("frontend")
	assert.True(t, logHas(feLog, fmt.Sprintf("replica=%d", liar), "kind=wrong"), "no wrong answer of RM %d reported:\n%s", liar, tail(feLog, 20))
	assert.True(t, logHas(feLog, fmt.Sprintf("replica=%d", victim), "kind=missing"), "no missing answer of RM %d reported:\n%s", victim, tail(feLog, 20))
}

// logHas reports whether one line of log holds every word.
func logHas(log string, words ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			return true
		}
	}
	return false
}
