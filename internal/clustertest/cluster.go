// Package clustertest starts a whole concord cluster as real processes on
// loopback, on free ports, for tests in any package (end-to-end tests and the
// other ORBs' interop scenarios): sequencer, replica managers with their
// replica processes, front end and postcode service, each with a log file.
package clustertest

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
	"concord/idl/gen/dems"
	"concord/internal/cluster"
	"concord/internal/testtools"
)

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB, network string) int {
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

func loop(t testing.TB, network string) string {
	return fmt.Sprintf("127.0.0.1:%d", freePort(t, network))
}

// proc is one component process of the cluster under test.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// Cluster is a whole cluster on loopback, one process per component.
type Cluster struct {
	t testing.TB
	// Bin is the concord binary; Dir holds cluster.json, the IOR files
	// (NameService.ior, DEMS.ior, JustHungry.ior) and one log per process.
	Bin, Dir string
	// Config is the cluster's configuration; ConfigFile its JSON file.
	Config     *cluster.Config
	ConfigFile string
	// ORB is a client for calling the front end.
	ORB *orb.Client

	mu    sync.Mutex
	procs map[string]*proc
}

// Options adjusts a cluster.
type Options struct {
	// RMArgs adds flags to an RM's command line, by RM id (e.g. 12:
	// {"--fault", "wrong"}).
	RMArgs map[uint32][]string
	// PostcodesFront, if set, gets the postcode service's URL and returns
	// the URL the replicas are to use instead (e.g. a counting proxy).
	PostcodesFront func(backend string) string
}

// Start starts a cluster and waits until a DEMS call goes through it; the
// cluster stops when the test ends (logs are printed if it failed).
func Start(t testing.TB, opts Options) *Cluster {
	t.Helper()
	bin := testtools.ConcordBinary(t)
	dir := t.TempDir()
	cfg := cluster.Default()
	cfg.FrontEnd.IIOP = loop(t, "tcp")
	cfg.FrontEnd.UDP = loop(t, "udp")
	cfg.FrontEnd.Metrics = loop(t, "tcp")
	cfg.Sequencer.Addr = loop(t, "udp")
	for i := range cfg.RMs {
		cfg.RMs[i].Addr = loop(t, "udp")
	}
	postcodes := loop(t, "tcp")
	cfg.Postcodes = "http://" + postcodes
	if opts.PostcodesFront != nil {
		cfg.Postcodes = opts.PostcodesFront(cfg.Postcodes)
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	require.NoError(t, err)
	file := filepath.Join(dir, "cluster.json")
	require.NoError(t, os.WriteFile(file, b, 0o644))
	c := &Cluster{t: t, Bin: bin, Dir: dir, Config: cfg, ConfigFile: file, procs: map[string]*proc{},
		ORB: orb.NewClient(orb.ClientConfig{})}
	t.Cleanup(c.Stop)

	c.StartProcess("postcodes", "postcodes", "--listen", postcodes)
	c.StartProcess("sequencer", "sequencer", "--config", file)
	for _, r := range cfg.RMs {
		args := append([]string{"rm", "--config", file, "--id", strconv.Itoa(int(r.ID)), "--stats", "100ms"}, opts.RMArgs[r.ID]...)
		c.StartProcess(RMName(r.ID), args...)
	}
	c.StartProcess("frontend", "frontend", "--config", file, "--ior-dir", dir)
	c.waitReady()
	return c
}

// RMName is the process name of RM id (its log is Dir/<name>.log).
func RMName(id uint32) string { return fmt.Sprintf("rm-%d", id) }

// StartProcess starts another concord process (args: sub-command and flags) as
// part of the cluster, logging to Dir/name.log.
func (c *Cluster) StartProcess(name string, args ...string) {
	c.t.Helper()
	logPath := filepath.Join(c.Dir, name+".log")
	f, err := os.Create(logPath)
	require.NoError(c.t, err)
	cmd := exec.Command(c.Bin, args...)
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
func (c *Cluster) waitReady() {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := dems.NewEventManagementStub(c.Object("DEMS")).GetBookingSchedule(ctx, "MTLC0000")
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.DumpLogs()
			c.t.Fatalf("cluster not ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// DumpLogs logs the last lines of every process log.
func (c *Cluster) DumpLogs() {
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

// Stop ends every process: SIGTERM, then SIGKILL after 5 s.
func (c *Cluster) Stop() {
	c.ORB.Close()
	c.mu.Lock()
	procs := c.procs
	c.procs = map[string]*proc{}
	c.mu.Unlock()
	if c.t.Failed() {
		c.DumpLogs()
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

// Kill sends SIGKILL to a component process and waits for it to die.
func (c *Cluster) Kill(name string) {
	c.mu.Lock()
	p := c.procs[name]
	c.mu.Unlock()
	require.NotNil(c.t, p, name)
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Log returns what a component process has logged so far.
func (c *Cluster) Log(name string) string {
	b, err := os.ReadFile(filepath.Join(c.Dir, name+".log"))
	require.NoError(c.t, err, "log of %s", name)
	return string(b)
}

// Patterns of counters in an RM's --stats log lines, for LastStat.
var PidRe = regexp.MustCompile(`Pid:(\d+)`)
var ReplacementsRe = regexp.MustCompile(`Replacements:(\d+)`)
var RestartsRe = regexp.MustCompile(`Restarts:(\d+)`)

// LastStat returns the last value of a counter in an RM's --stats lines.
func (c *Cluster) LastStat(name string, re *regexp.Regexp) int {
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

// KillReplica kills (SIGKILL) the replica process of an RM.
func (c *Cluster) KillReplica(rm string) int {
	c.t.Helper()
	pid := c.LastStat(rm, PidRe)
	require.Positive(c.t, pid, "replica pid of %s", rm)
	require.NoError(c.t, syscall.Kill(pid, syscall.SIGKILL))
	return pid
}

// Object returns a reference to an object the front end serves by key
// (NameService, DEMS, JustHungry), by corbaloc.
func (c *Cluster) Object(key string) *orb.ObjectRef {
	c.t.Helper()
	ref, err := c.ORB.StringToObject(c.Corbaloc(key))
	require.NoError(c.t, err)
	return ref
}

// Corbaloc is the corbaloc URL (GIOP 1.2) of an object of the front end.
func (c *Cluster) Corbaloc(key string) string {
	return "corbaloc:iiop:1.2@" + c.Config.FrontEnd.IIOP + "/" + key
}
