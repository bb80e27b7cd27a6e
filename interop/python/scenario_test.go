package pythoninterop

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

// TestScenarioReplicas runs the omniORBpy scenario against a fresh
// unreplicated replica of each service and compares its transcript with
// the golden one the Java ORBs produce (interop/java/scenarios).
func TestScenarioReplicas(t *testing.T) {
	py := python(t)
	script := filepath.Join(repoRoot, interoptest.ScenarioFile)
	calls, err := interoptest.ScenarioCalls(script)
	require.NoError(t, err)

	srv, err := interoptest.StartReplicaServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	out, err := runPython(t, py, "scenario.py", script,
		"DEMS="+srv.Corbaloc(interoptest.DEMSKey), "JustHungry="+srv.Corbaloc(interoptest.JustHungryKey))
	require.NoError(t, err)
	require.NoError(t, interoptest.CheckTranscript(calls, out))
	want, err := os.ReadFile(filepath.Join(repoRoot, interoptest.TranscriptFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), out)
}

// TestScenarioCluster runs the omniORBpy scenario through the naming
// service of a cluster started with `concord up`.
func TestScenarioCluster(t *testing.T) {
	py := python(t)
	script := filepath.Join(repoRoot, interoptest.ScenarioFile)
	calls, err := interoptest.ScenarioCalls(script)
	require.NoError(t, err)

	cluster, err := interoptest.StartCluster(testtools.ConcordBinary(t), t.TempDir(), 60*time.Second)
	require.NoError(t, err)
	t.Cleanup(cluster.Stop)

	out, err := runPython(t, py, "scenario.py", "-ORBInitRef", "NameService="+interoptest.NameServiceRef, script)
	if err != nil {
		t.Logf("concord up output:\n%s", tail(cluster.Output(), 40))
	}
	require.NoError(t, err)
	require.NoError(t, interoptest.CheckTranscript(calls, out))
	want, err := os.ReadFile(filepath.Join(repoRoot, interoptest.TranscriptFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), out)
}
