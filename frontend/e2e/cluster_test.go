package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop/orb"
	"concord/internal/cluster"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// concordBinary builds cmd/concord once per test run.
func concordBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "concord-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "concord")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/concord").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func loop(t *testing.T, network string) string {
	return fmt.Sprintf("127.0.0.1:%d", freePort(t, network))
}

// proc is one component process of the cluster under test.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// testCluster is a whole cluster on loopback, one process per component.
type testCluster struct {
	t     *testing.T
	bin   string
	dir   string
	cfg   *cluster.Config
	file  string
	mu    sync.Mutex
	procs map[string]*proc
	orb   *orb.Client
}

type clusterOpts struct {
	rmArgs map[uint32][]string // extra flags per RM id
}

func startCluster(t *testing.T, opts clusterOpts) *testCluster {
	t.Helper()
	bin := concordBinary(t)
	dir := t.TempDir()
	cfg := cluster.Default()
	cfg.FrontEnd.IIOP = loop(t, "tcp")
	cfg.FrontEnd.UDP = loop(t, "udp")
	cfg.FrontEnd.Metrics = loop(t, "tcp")
	cfg.Sequencer.Addr = loop(t, "udp")
	for i := range cfg.RMs {
		cfg.RMs[i].Addr = loop(t, "udp")
	}
	cfg.Postcodes = "http://" + loop(t, "tcp")
	b, err := json.MarshalIndent(cfg, "", "  ")
	require.NoError(t, err)
	file := filepath.Join(dir, "cluster.json")
	require.NoError(t, os.WriteFile(file, b, 0o644))
	c := &testCluster{t: t, bin: bin, dir: dir, cfg: cfg, file: file, procs: map[string]*proc{},
		orb: orb.NewClient(orb.ClientConfig{})}
	t.Cleanup(c.stop)

	c.start("postcodes", "postcodes", "--listen", strings.TrimPrefix(cfg.Postcodes, "http://"))
	c.start("sequencer", "sequencer", "--config", file)
	for _, r := range cfg.RMs {
		args := append([]string{"rm", "--config", file, "--id", strconv.Itoa(int(r.ID)), "--stats", "100ms"}, opts.rmArgs[r.ID]...)
		c.start(rmName(r.ID), args...)
	}
	c.start("frontend", "frontend", "--config", file, "--ior-dir", dir)
	c.waitReady()
	return c
}

func rmName(id uint32) string { return fmt.Sprintf("rm-%d", id) }

func (c *testCluster) start(name string, args ...string) {
	c.t.Helper()
	logPath := filepath.Join(c.dir, name+".log")
	f, err := os.Create(logPath)
	require.NoError(c.t, err)
	cmd := exec.Command(c.bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(c.t, cmd.Start(), "start %s", name)
	f.Close()
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	c.mu.Lock()
	c.procs[name] = p
	c.mu.Unlock()
}

// waitReady waits until the FE answers and a first DEMS call goes through
// the whole pipeline.
func (c *testCluster) waitReady() {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := c.dems().GetBookingSchedule(ctx, "MTLC0000")
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.dumpLogs()
			c.t.Fatalf("cluster not ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *testCluster) dumpLogs() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, p := range c.procs {
		b, _ := os.ReadFile(p.log)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) > 15 {
			lines = lines[len(lines)-15:]
		}
		c.t.Logf("--- %s (last lines)\n%s", name, strings.Join(lines, "\n"))
	}
}

// stop ends every process: SIGTERM, then SIGKILL.
func (c *testCluster) stop() {
	c.orb.Close()
	c.mu.Lock()
	procs := c.procs
	c.mu.Unlock()
	if c.t.Failed() {
		c.dumpLogs()
	}
	for _, p := range procs {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range procs {
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

// kill sends SIGKILL to a component process.
func (c *testCluster) kill(name string) {
	c.mu.Lock()
	p := c.procs[name]
	c.mu.Unlock()
	require.NotNil(c.t, p, name)
	_ = p.cmd.Process.Kill()
	<-p.done
}

var pidRe = regexp.MustCompile(`Pid:(\d+)`)
var replacementsRe = regexp.MustCompile(`Replacements:(\d+)`)
var restartsRe = regexp.MustCompile(`Restarts:(\d+)`)

// lastStat returns the last value of a counter in an RM's --stats lines.
func (c *testCluster) lastStat(name string, re *regexp.Regexp) int {
	c.mu.Lock()
	p := c.procs[name]
	c.mu.Unlock()
	f, err := os.Open(p.log)
	if err != nil {
		return -1
	}
	defer f.Close()
	v := -1
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			v, _ = strconv.Atoi(m[1])
		}
	}
	return v
}

// killReplica kills (SIGKILL) the replica process of an RM.
func (c *testCluster) killReplica(rm string) int {
	c.t.Helper()
	pid := c.lastStat(rm, pidRe)
	require.Positive(c.t, pid, "replica pid of %s", rm)
	require.NoError(c.t, syscall.Kill(pid, syscall.SIGKILL))
	return pid
}
