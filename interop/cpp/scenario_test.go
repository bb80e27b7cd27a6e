package cppinterop

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/internal/clustertest"
	"concord/interop/java/interoptest"
)

// scenarioFiles returns the scenario file, its calls ("Service.op" in order)
// and the golden transcript.
func scenarioFiles(t *testing.T) (script string, calls []string, want string) {
	t.Helper()
	script = filepath.Join(repoRoot, interoptest.ScenarioFile)
	calls, err := interoptest.ScenarioCalls(script)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(repoRoot, interoptest.TranscriptFile))
	require.NoError(t, err)
	return script, calls, string(b)
}

// requireTranscript checks a run's transcript: every call answered, no
// system exception, byte-identical to the golden one (a diff otherwise).
func requireTranscript(t *testing.T, calls []string, want, got, stderr string, runErr error) {
	t.Helper()
	if runErr != nil {
		t.Errorf("scenario failed: %v\nstderr:\n%s", runErr, stderr)
	}
	if err := interoptest.CheckTranscript(calls, got); err != nil {
		t.Errorf("transcript shape: %v", err)
	}
	if d := lineDiff(want, got, 2); d != "" {
		t.Fatalf("transcript differs from %s:\n%s", interoptest.TranscriptFile, d)
	}
}

// TestScenarioCluster runs the C++ scenario through the front end of a
// fresh cluster, finding both services through its naming service:
// replication must not change a single answer.
func TestScenarioCluster(t *testing.T) {
	bin := scenarioBin(t)
	script, calls, want := scenarioFiles(t)
	c := clustertest.Start(t, clustertest.Options{})

	out, stderr, err := runScenario(bin, nil, "-ORBInitRef", "NameService="+c.Corbaloc("NameService"), script)
	requireTranscript(t, calls, want, out, stderr, err)
}

// TestScenarioFault runs the same scenario while DEMS replica 12 answers
// wrongly and replica 13 is killed once the first answer is out: one lying
// plus one crashed replica must leave the transcript byte-identical.
func TestScenarioFault(t *testing.T) {
	bin := scenarioBin(t)
	script, calls, want := scenarioFiles(t)
	const liar, victim = 12, 13
	c := clustertest.Start(t, clustertest.Options{RMArgs: map[uint32][]string{liar: {"--fault", "wrong"}}})

	// KillReplica finds the replica's pid in the RM's --stats lines (every
	// 100 ms), which may not have come yet when the cluster is ready.
	require.Eventually(t, func() bool { return c.LastStat(clustertest.RMName(victim), clustertest.PidRe) > 0 },
		10*time.Second, 50*time.Millisecond, "no replica pid in the %s log", clustertest.RMName(victim))

	type result struct {
		out, stderr string
		err         error
	}
	started := make(chan struct{})
	done := make(chan result, 1)
	t0 := time.Now()
	go func() {
		out, stderr, err := runScenario(bin, started, "-ORBInitRef", "NameService="+c.Corbaloc("NameService"), script)
		done <- result{out, stderr, err}
	}()
	var r result
	select {
	case <-started:
		c.KillReplica(clustertest.RMName(victim))
		killed := time.Since(t0)
		r = <-done
		t.Logf("replica of %s killed %v after the start; the scenario took %v", clustertest.RMName(victim), killed, time.Since(t0))
	case r = <-done:
		t.Fatalf("the scenario printed nothing: %v\n%s", r.err, r.stderr)
	}
	requireTranscript(t, calls, want, r.out, r.stderr, r.err)

	// The faults really happened: the RMs replaced the liar and restarted
	// the killed replica (their --stats lines come every 100 ms).
	for _, id := range []uint32{liar, victim} {
		rm := clustertest.RMName(id)
		require.Eventually(t, func() bool { return c.LastStat(rm, clustertest.RestartsRe) > 0 },
			10*time.Second, 100*time.Millisecond, "%s never restarted its replica", rm)
	}
}
