package main

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/spf13/pflag"

	"concord/internal/wire"
	"concord/replicas/fault"
	"concord/rm"
)

func init() {
	register(command{name: "fault", summary: "set a replica's simulated fault mode at run time (correct, wrong, crash, slow:DELAY)", run: runFault})
}

func runFault(args []string) error {
	fs := pflag.NewFlagSet("fault", pflag.ContinueOnError)
	cfgFile := fs.String("config", "", "cluster config `FILE` (JSON); default: the embedded loopback cluster")
	id := fs.Uint32("rm", 0, "the RM `ID` whose replica to steer")
	modeFlag := fs.String("mode", "", "fault `MODE`: correct, wrong, crash or slow:DURATION (e.g. slow:250ms)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up when the RM has not answered within this time")
	retry := fs.Duration("retry", 200*time.Millisecond, "resend the command at this interval until answered")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *modeFlag == "" {
		return usageError{errors.New("--mode is required (correct, wrong, crash or slow:DURATION)")}
	}
	mode, err := fault.Parse(*modeFlag)
	if err != nil {
		return usageError{fmt.Errorf("--mode: %w", err)}
	}
	if *timeout <= 0 {
		return usageError{fmt.Errorf("--timeout %v: must be > 0", *timeout)}
	}
	if *retry <= 0 {
		return usageError{fmt.Errorf("--retry %v: must be > 0", *retry)}
	}
	cfg, err := loadCluster(*cfgFile)
	if err != nil {
		return err
	}
	if !fs.Changed("rm") {
		return usageError{errors.New("--rm is required")}
	}
	target, ok := cfg.FindRM(*id)
	if !ok {
		return usageError{fmt.Errorf("--rm %d: no such RM in the cluster config", *id)}
	}
	addr, err := netip.ParseAddrPort(target.Addr)
	if err != nil {
		return fmt.Errorf("rm %d address %q: %w", *id, target.Addr, err)
	}
	conn, err := wire.Listen(listenFor(addr), wire.ConnConfig{Key: wire.NewKey([]byte(cfg.Key)), Batch: 1})
	if err != nil {
		return err
	}
	defer conn.Close()
	// A fresh id per invocation; the RM applies one command once however
	// many of our resends arrive.
	m := wire.FaultCtl{ID: uint64(time.Now().UnixNano()), Mode: mode.String()}
	ack, err := rm.SendFaultCtl(conn, wire.OperatorID, *id, addr, m, *retry, *timeout)
	if errors.Is(err, rm.ErrNoFaultAck) {
		return fmt.Errorf("no answer from rm %d at %s within %v (is it running, with this config's key?)", *id, addr, *timeout)
	}
	if err != nil {
		return err
	}
	if !ack.OK {
		return fmt.Errorf("rm %d refused mode %s: %s", *id, mode, ack.Text)
	}
	fmt.Printf("rm %d: %s\n", *id, ack.Text)
	return nil
}

// listenFor picks a local address of the RM's family on an ephemeral port.
func listenFor(to netip.AddrPort) string {
	switch {
	case to.Addr().IsLoopback() && to.Addr().Is4():
		return "127.0.0.1:0"
	case to.Addr().IsLoopback():
		return "[::1]:0"
	case to.Addr().Is4():
		return "0.0.0.0:0"
	}
	return "[::]:0"
}
