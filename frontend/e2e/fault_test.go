package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/gen/dems"
	"concord/internal/clustertest"
)

// faultCmd runs `concord fault` against the cluster and returns its output.
func faultCmd(t *testing.T, c *clustertest.Cluster, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.Bin, append([]string{"fault", "--config", c.ConfigFile}, args...)...).CombinedOutput()
	return string(out), err
}

// TestFaultModesSetAtRunTime: a replica told to lie is outvoted and
// replaced by a correct one, a replica told to crash is restarted, and no
// client call fails or gets a wrong answer meanwhile.
func TestFaultModesSetAtRunTime(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	direct, fe := directDEMS(t), demsStub(c)
	customer := 200
	// book makes the same booking on the cluster and on a lone correct
	// replica; the answers must match (refusals included).
	book := func(what string) {
		t.Helper()
		cust := fmt.Sprintf("MTLC%04d", customer)
		customer++
		want, werr := direct.BookEvent(ctx, cust, "MTLA030626", dems.Conferences)
		got, gerr := fe.BookEvent(ctx, cust, "MTLA030626", dems.Conferences)
		require.Equal(t, fmt.Sprint(want, werr), fmt.Sprint(got, gerr), "%s: booking for %s", what, cust)
	}
	for range 3 {
		book("before any fault")
	}

	t.Run("bad input names the flag", func(t *testing.T) {
		for _, tc := range []struct{ name, flag string }{{"mode", "--mode"}, {"rm", "--rm"}} {
			args := map[string][]string{"mode": {"--rm", "12", "--mode", "flaky"}, "rm": {"--rm", "99", "--mode", "wrong"}}[tc.name]
			out, err := faultCmd(t, c, args...)
			require.Error(t, err, out)
			assert.Contains(t, out, tc.flag)
		}
	})

	t.Run("wrong: outvoted, then replaced by a correct replica", func(t *testing.T) {
		out, err := faultCmd(t, c, "--rm", "12", "--mode", "wrong")
		require.NoError(t, err, out)
		assert.Contains(t, out, "now wrong")
		for i := 0; i < 20 && c.LastStat("rm-11", clustertest.ReplacementsRe) < 1; i++ {
			book("rm-12 lying")
			time.Sleep(50 * time.Millisecond) // let the FE's fault reports through
		}
		require.Eventually(t, func() bool { return c.LastStat("rm-11", clustertest.ReplacementsRe) >= 1 },
			10*time.Second, 100*time.Millisecond, "the RMs replace the lying replica")
		require.Eventually(t, func() bool { return c.LastStat("rm-12", clustertest.RestartsRe) >= 1 },
			10*time.Second, 100*time.Millisecond, "rm-12 started a fresh replica")
		for range 6 {
			book("after the replacement")
		}
		// A replacement still lying would be replaced again after 3 calls.
		time.Sleep(500 * time.Millisecond)
		assert.Equal(t, 1, c.LastStat("rm-11", clustertest.ReplacementsRe), "the fresh replica answers correctly")
	})

	t.Run("crash: restarted, no call fails", func(t *testing.T) {
		out, err := faultCmd(t, c, "--rm", "13", "--mode", "crash")
		require.NoError(t, err, out)
		assert.Contains(t, out, "now crash")
		for i := 0; i < 40 && c.LastStat("rm-13", clustertest.RestartsRe) < 1; i++ {
			book("rm-13 crashing")
			time.Sleep(25 * time.Millisecond)
		}
		require.Eventually(t, func() bool { return c.LastStat("rm-13", clustertest.RestartsRe) >= 1 },
			10*time.Second, 100*time.Millisecond, "rm-13 restarted its crashed replica")
		for range 6 {
			book("after the restart")
		}
		// The restarted replica is a fresh, correct process: it answers
		// requests again instead of crashing on the first one.
		time.Sleep(500 * time.Millisecond)
		assert.Equal(t, 1, c.LastStat("rm-13", clustertest.RestartsRe), "the restarted replica does not crash again")
	})
}
