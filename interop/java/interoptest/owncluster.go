package interoptest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"concord/internal/cluster"
)

// OwnCluster is a loopback cluster whose processes a test starts one by
// one (as `concord up` would), on ports picked free at start, so that it
// can give a replica a fault mode and kill an RM, and run beside any other
// cluster on the machine.
type OwnCluster struct {
	Config *cluster.Config
	IORDir string
	procs  map[string]*exec.Cmd
	logDir string
}

// StartOwnCluster writes a config (the default cluster on free ports) into
// dir and starts postcodes, sequencer, every RM (faults: RM id -> --fault
// mode) and the front end, then waits (at most timeout) until the front end
// serves and has written DEMS.ior.
func StartOwnCluster(bin, dir string, faults map[uint32]string, timeout time.Duration) (*OwnCluster, error) {
	cfg := cluster.Default()
	var err error
	used := map[string]bool{}
	port := func() string {
		for err == nil {
			var p string
			if p, err = freePort(); err == nil && !used[p] {
				used[p] = true
				return p
			}
		}
		return ""
	}
	cfg.FrontEnd.IIOP, cfg.FrontEnd.UDP, cfg.FrontEnd.Metrics = port(), port(), ""
	cfg.Sequencer.Addr = port()
	for i := range cfg.RMs {
		cfg.RMs[i].Addr = port()
	}
	postcodes := port()
	cfg.Postcodes = "http://" + postcodes
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	cfgFile := filepath.Join(dir, "cluster.json")
	if err := os.WriteFile(cfgFile, b, 0o644); err != nil {
		return nil, err
	}
	c := &OwnCluster{Config: cfg, IORDir: dir, procs: map[string]*exec.Cmd{}, logDir: dir}
	start := func(name string, args ...string) error {
		if err != nil {
			return err
		}
		log, lerr := os.Create(filepath.Join(dir, name+".log"))
		if lerr != nil {
			return lerr
		}
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = log, log
		// Own process group, so a kill takes an RM's replica child with it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		c.procs[name] = cmd
		return nil
	}
	err = start("postcodes", "postcodes", "--listen", postcodes)
	err = start("sequencer", "sequencer", "--config", cfgFile)
	for _, rm := range cfg.RMs {
		args := []string{"rm", "--config", cfgFile, "--id", strconv.FormatUint(uint64(rm.ID), 10)}
		if f := faults[rm.ID]; f != "" {
			args = append(args, "--fault", f)
		}
		err = start(RMName(rm.ID), args...)
	}
	err = start("frontend", "frontend", "--config", cfgFile, "--ior-dir", dir)
	if err != nil {
		c.Stop()
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if conn, derr := net.DialTimeout("tcp", cfg.FrontEnd.IIOP, 200*time.Millisecond); derr == nil {
			_ = conn.Close()
			if _, serr := os.Stat(filepath.Join(dir, "DEMS.ior")); serr == nil {
				return c, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs := c.Logs("frontend", 20)
	c.Stop()
	return nil, fmt.Errorf("own cluster: front end not serving on %s within %v; frontend.log:\n%s",
		cfg.FrontEnd.IIOP, timeout, logs)
}

// RMName is the process (and log file) name of an RM.
func RMName(id uint32) string { return fmt.Sprintf("rm-%d", id) }

// NameServiceRef is the corbaloc of the cluster's naming service.
func (c *OwnCluster) NameServiceRef() string {
	return "corbaloc:iiop:1.2@" + c.Config.FrontEnd.IIOP + "/NameService"
}

// Kill SIGKILLs a process and its children (a crash, not a shutdown).
func (c *OwnCluster) Kill(name string) error {
	cmd, ok := c.procs[name]
	if !ok {
		return fmt.Errorf("no process %s", name)
	}
	delete(c.procs, name)
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
	return err
}

// Logs returns the last n lines of a process's log.
func (c *OwnCluster) Logs(name string, n int) string {
	b, _ := os.ReadFile(filepath.Join(c.logDir, name+".log"))
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop interrupts every process, then kills what is left after 5 s.
func (c *OwnCluster) Stop() {
	for _, cmd := range c.procs {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	}
	deadline := time.Now().Add(5 * time.Second)
	for name, cmd := range c.procs {
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Until(deadline)):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		delete(c.procs, name)
	}
}

// freePort returns a loopback host:port that was free a moment ago (TCP and
// UDP both), for the processes' fixed-address config.
func freePort() (string, error) {
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := l.Addr().String()
		u, uerr := net.ListenPacket("udp", addr)
		_ = l.Close()
		if uerr == nil {
			_ = u.Close()
			return addr, nil
		}
	}
	return "", errors.New("no free loopback port for both TCP and UDP")
}
