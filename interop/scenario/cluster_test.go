package scenario_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
	"concord/internal/clustertest"
	"concord/interop/scenario"
)

// The shared scenario and its golden transcript (written by interop/java's
// -update-golden from a JacORB run).
var (
	scenarioFile   = filepath.Join("..", "java", "scenarios", "services.txt")
	transcriptFile = filepath.Join("..", "java", "scenarios", "services.transcript")
)

// TestServicesScenarioCluster runs the shared scenario through a whole
// cluster with the Go stubs: the transcript must be byte-identical to the
// golden one every other ORB's client is compared with.
func TestServicesScenarioCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	calls, err := scenario.ParseFile(scenarioFile)
	require.NoError(t, err)
	want, err := os.ReadFile(transcriptFile)
	require.NoError(t, err)

	c := clustertest.Start(t, clustertest.Options{})
	r := &scenario.Runner{Services: scenario.Services{
		DEMS:       dems.NewEventManagementStub(c.Object("DEMS")),
		JustHungry: justhungry.NewFoodOrderingStub(c.Object("JustHungry")),
	}}
	var out bytes.Buffer
	failed, err := r.WriteTranscript(context.Background(), calls, &out)
	require.NoError(t, err)
	if got := out.String(); got != string(want) {
		t.Fatalf("transcript differs from %s:\n%s", transcriptFile, LineDiff(string(want), got))
	}
	require.Zero(t, failed)
}

// LineDiff lists the lines where want and got differ, numbered.
func LineDiff(want, got string) string {
	w := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	g := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

func TestLineDiff(t *testing.T) {
	for _, tc := range []struct{ name, want, got, diff string }{
		{"same", "a\nb\n", "a\nb\n", ""},
		{"changed line", "a\nb\n", "a\nc\n", "line 2:\n- b\n+ c\n"},
		{"missing line", "a\nb\n", "a\n", "line 2:\n- b\n+ \n"},
	} {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.diff, LineDiff(tc.want, tc.got)) })
	}
}
