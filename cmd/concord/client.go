package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"concord/client"
	"concord/giop/orb"
	"concord/interop/scenario"
)

func init() {
	register(command{
		name:    "client",
		summary: "text client for DEMS and Just Hungry (interactive, batch, or a scenario transcript)",
		run:     runClient,
	})
}

func runClient(args []string) error {
	fs := pflag.NewFlagSet("client", pflag.ContinueOnError)
	fe := fs.String("fe", client.DefaultFE, "front end: `HOST:PORT`, a corbaloc or IOR of the FE's naming service, or an IOR of one service")
	iorFile := fs.String("ior-file", "", "read the --fe reference from `FILE` (e.g. the FE's NameService.ior)")
	logDir := fs.String("log-dir", "logs", "write the per-user logs `DIR`/<userid>.log here (empty: no logs)")
	batch := fs.Bool("batch", false, "read one command a line from stdin even when it is a terminal")
	scen := fs.String("scenario", "", "run scenario `FILE` (interop/java/scenarios format) and print its canonical transcript")
	timeout := fs.Duration("timeout", 30*time.Second, "bound on each call")
	fs.Usage = func() {
		fmt.Fprint(os.Stderr, `usage: concord client [flags]

Interactive when stdin is a terminal: log in with a user id, then choose
operations from a menu of what that id may do. Otherwise (or with --batch)
one command a line from stdin; the result of each follows "> command";
a malformed line stops the run with an error naming it (exit 1).

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(os.Stderr, "\n"+client.Syntax())
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *timeout <= 0 {
		return usageError{fmt.Errorf("invalid argument %q for \"--timeout\" flag: must be positive", timeout.String())}
	}
	ref := *fe
	if *iorFile != "" {
		if fs.Changed("fe") {
			return usageError{errors.New("give --fe or --ior-file, not both")}
		}
		b, err := os.ReadFile(*iorFile)
		if err != nil {
			return usageError{fmt.Errorf("--ior-file: %w", err)}
		}
		ref = strings.TrimSpace(string(b))
	}

	// No signal handling: Ctrl-C must end an interactive session blocked on
	// input, and every log line is already on disk when its operation ends.
	ctx := context.Background()
	c := orb.NewClient(orb.ClientConfig{DialTimeout: 5 * time.Second})
	defer c.Close()
	cctx, cancel := context.WithTimeout(ctx, *timeout)
	svc, err := client.Connect(cctx, c, ref)
	cancel()
	if err != nil {
		return err
	}

	if *scen != "" {
		return runScenario(ctx, *scen, svc, *timeout)
	}
	s := &client.Session{DEMS: svc.DEMS, JustHungry: svc.JustHungry, Timeout: *timeout, Log: &client.Log{Dir: *logDir}}
	if *batch || !isTerminal(os.Stdin) {
		return client.RunBatch(ctx, s, os.Stdin, os.Stdout)
	}
	return client.RunInteractive(ctx, s, os.Stdin, os.Stdout)
}

// runScenario prints the scenario's canonical transcript, so other ORBs'
// tests can compare their output with the Go client's.
func runScenario(ctx context.Context, file string, svc client.Services, timeout time.Duration) error {
	calls, err := scenario.ParseFile(file)
	if err != nil {
		return usageError{err}
	}
	r := &scenario.Runner{Services: scenario.Services{DEMS: svc.DEMS, JustHungry: svc.JustHungry}, Timeout: timeout}
	failed, err := r.WriteTranscript(ctx, calls, os.Stdout)
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d calls failed (system exception or script error)", failed)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
