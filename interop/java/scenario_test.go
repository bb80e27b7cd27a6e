package javainterop

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/testtools"
	"concord/interop/java/interoptest"
)

// TestScenarioReplicas runs the scenario with JacORB and with GlassFish,
// each against a fresh unreplicated replica of each service served over
// GIOP, and compares both transcripts with the golden one (which the
// Python and C++ programs must match too). -update-golden rewrites it from
// the JacORB run.
func TestScenarioReplicas(t *testing.T) {
	cp := javaBuild(t)
	script := filepath.Join(repoRoot, interoptest.ScenarioFile)
	calls, err := interoptest.ScenarioCalls(script)
	require.NoError(t, err)
	golden := filepath.Join(repoRoot, interoptest.TranscriptFile)

	for _, orbName := range []string{"jacorb", "glassfish"} {
		t.Run(orbName, func(t *testing.T) {
			srv, err := interoptest.StartReplicaServer()
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			out, err := runJava(t, cp, orbName, "Scenario", script,
				"DEMS="+srv.Corbaloc(interoptest.DEMSKey), "JustHungry="+srv.Corbaloc(interoptest.JustHungryKey))
			require.NoError(t, err)
			require.NoError(t, interoptest.CheckTranscript(calls, out))
			if *updateGolden && orbName == "jacorb" {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update-golden to write it")
			assert.Equal(t, string(want), out)
		})
	}
}

// TestScenarioCluster runs the JacORB scenario through the naming service
// of a cluster started with `concord up`, and compares it with the golden
// transcript: replication must not change a single answer.
func TestScenarioCluster(t *testing.T) {
	cp := javaBuild(t)
	script := filepath.Join(repoRoot, interoptest.ScenarioFile)
	calls, err := interoptest.ScenarioCalls(script)
	require.NoError(t, err)

	cluster, err := interoptest.StartCluster(testtools.ConcordBinary(t), t.TempDir(), 60*time.Second)
	require.NoError(t, err)
	t.Cleanup(cluster.Stop)

	out, err := runJava(t, cp, "jacorb", "Scenario", "-ORBInitRef", "NameService="+interoptest.NameServiceRef, script)
	if err != nil {
		t.Logf("concord up output:\n%s", tail(cluster.Output(), 40))
	}
	require.NoError(t, err)
	require.NoError(t, interoptest.CheckTranscript(calls, out))
	want, err := os.ReadFile(filepath.Join(repoRoot, interoptest.TranscriptFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), out)
}
