package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"concord/internal/cluster"
)

func init() {
	register(command{name: "up", summary: "run a whole local cluster on loopback until Ctrl-C", run: runUp})
}

// child is one component process started by up.
type child struct {
	name string
	args []string
}

// upPlan lists the processes of a cluster, in start order.
func upPlan(cfg *cluster.Config, cfgFile, dir string) ([]child, error) {
	var plan []child
	if cfg.Postcodes != "" {
		u, err := url.Parse(cfg.Postcodes)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("postcodes: %q is not an http://host:port URL", cfg.Postcodes)
		}
		plan = append(plan, child{"postcodes", []string{"postcodes", "--listen", u.Host}})
	}
	plan = append(plan, child{"sequencer", []string{"sequencer", "--config", cfgFile}})
	for _, rm := range cfg.RMs {
		plan = append(plan, child{fmt.Sprintf("rm-%d", rm.ID),
			[]string{"rm", "--config", cfgFile, "--id", strconv.FormatUint(uint64(rm.ID), 10)}})
	}
	plan = append(plan, child{"frontend", []string{"frontend", "--config", cfgFile, "--ior-dir", dir}})
	return plan, nil
}

func runUp(args []string) error {
	fs := pflag.NewFlagSet("up", pflag.ContinueOnError)
	cfgFile := fs.String("config", "", "cluster config `FILE` (JSON); default: the embedded loopback cluster")
	dir := fs.String("dir", "run", "`DIR` for the effective config, IOR files and logs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := cluster.Default()
	if *cfgFile != "" {
		var err error
		if cfg, err = cluster.Load(*cfgFile); err != nil {
			return usageError{fmt.Errorf("--config: %w", err)}
		}
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("--dir: %w", err)
	}
	effective := filepath.Join(*dir, "cluster.json")
	b, _ := json.MarshalIndent(cfg, "", "  ")
	if err := os.WriteFile(effective, b, 0o644); err != nil {
		return err
	}
	plan, err := upPlan(cfg, effective, *dir)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	procs, err := startChildren(self, plan, *dir)
	if err != nil {
		stopChildren(procs)
		return err
	}
	fmt.Printf("concord cluster up (%d processes); logs in %s\n", len(procs), *dir)
	fmt.Printf("  front end IIOP:  %s\n", cfg.FrontEnd.IIOP)
	fmt.Printf("  naming service:  corbaloc:iiop:1.2@%s/NameService\n", cfg.FrontEnd.IIOP)
	fmt.Printf("  DEMS:            corbaloc:iiop:1.2@%s/DEMS   (IOR in %s)\n", cfg.FrontEnd.IIOP, filepath.Join(*dir, "DEMS.ior"))
	fmt.Printf("  Just Hungry:     corbaloc:iiop:1.2@%s/JustHungry   (IOR in %s)\n", cfg.FrontEnd.IIOP, filepath.Join(*dir, "JustHungry.ior"))
	if cfg.Postcodes != "" {
		fmt.Printf("  postcodes:       %s/postcodes/SW1A1AA\n", cfg.Postcodes)
	}
	if cfg.FrontEnd.Metrics != "" {
		fmt.Printf("  metrics:         http://%s/metrics\n", cfg.FrontEnd.Metrics)
	}
	fmt.Println("Press Ctrl-C to stop.")
	exited := make(chan string, len(procs))
	for _, p := range procs {
		go func() { <-p.done; exited <- p.name }()
	}
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping...")
	case name := <-exited:
		err = fmt.Errorf("up: %s exited unexpectedly; see %s", name, filepath.Join(*dir, name+".log"))
	}
	stopChildren(procs)
	return err
}

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func startChildren(self string, plan []child, dir string) ([]*proc, error) {
	var procs []*proc
	for _, c := range plan {
		logf, err := os.Create(filepath.Join(dir, c.name+".log"))
		if err != nil {
			return procs, err
		}
		cmd := exec.Command(self, c.args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		// Own process group: Ctrl-C in the terminal reaches up, which then
		// stops the children in order.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			logf.Close()
			return procs, fmt.Errorf("up: start %s: %w", c.name, err)
		}
		logf.Close()
		p := &proc{name: c.name, cmd: cmd, done: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(p.done) }()
		procs = append(procs, p)
	}
	return procs, nil
}

// stopChildren sends SIGTERM to every child (front end first, so clients
// see an orderly CloseConnection), and SIGKILL to any still alive after 5 s.
func stopChildren(procs []*proc) {
	var wg sync.WaitGroup
	for i := len(procs) - 1; i >= 0; i-- {
		p := procs[i]
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-p.done:
			case <-time.After(5 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}()
	}
	wg.Wait()
}
