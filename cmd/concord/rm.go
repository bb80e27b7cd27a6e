package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"concord/internal/cluster"
	"concord/internal/wire"
	"concord/rm"
)

func init() {
	register(command{name: "rm", summary: "run a replica manager and its replica process", run: runRM})
}

func runRM(args []string) error {
	fs := pflag.NewFlagSet("rm", pflag.ContinueOnError)
	cfgFile := fs.String("config", "", "cluster config `FILE` (JSON); default: the embedded loopback cluster")
	id := fs.Uint32("id", 0, "this RM's id in the cluster config")
	drop := fs.Float64("drop", 0, "drop this fraction of received datagrams (loss injection)")
	batch := fs.Int("batch", 64, "datagrams per recvmmsg/sendmmsg call (1: no I/O batching)")
	fault := fs.String("fault", "", "initial fault mode of the replica (correct, wrong, crash, slow:DELAY)")
	stats := fs.Duration("stats", 0, "log the counters at this interval (0: never)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadCluster(*cfgFile)
	if err != nil {
		return err
	}
	if err := checkDrop(*drop); err != nil {
		return err
	}
	if *batch <= 0 {
		return usageError{fmt.Errorf("--batch %d: must be > 0", *batch)}
	}
	me, ok := cfg.FindRM(*id)
	if !ok {
		return usageError{fmt.Errorf("--id %d: no such RM in the cluster config", *id)}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "rm")
	var peers []rm.Peer
	for _, r := range cfg.Group(me.Service) {
		if r.ID != me.ID {
			peers = append(peers, rm.Peer{ID: r.ID, Addr: netip.MustParseAddrPort(r.Addr)})
		}
	}
	cc := wire.ConnConfig{Key: wire.NewKey([]byte(cfg.Key)), Batch: *batch, DropRate: *drop}
	replicaCmd := []string{self, "replica", "--service", me.Service}
	var run func(context.Context) error
	var status func() any
	var replica func() *rm.Proc
	var mcast func(context.Context) // serves the sequencer's multicast group
	if me.Service == cluster.JustHungry {
		// Passive replication: the group's config order is the takeover order.
		var members []rm.Peer
		for _, r := range cfg.Group(me.Service) {
			members = append(members, rm.Peer{ID: r.ID, Addr: netip.MustParseAddrPort(r.Addr)})
		}
		node, err := rm.NewPBNode(rm.PBNodeConfig{ID: me.ID, Addr: me.Addr, ConnConfig: cc, Members: members,
			ReplicaCmd: append(replicaCmd, "--postcodes", cfg.Postcodes), ReplicaStderr: os.Stderr,
			Retry: cfg.Timeouts.Heartbeat.D(), Logger: log})
		if err != nil {
			return fmt.Errorf("rm %d: %w", me.ID, err)
		}
		defer node.Close()
		run, replica = node.Run, node.Replica
		status = func() any { return node.Status() }
	} else {
		node, err := rm.NewNode(rm.NodeConfig{
			ID: me.ID, Addr: me.Addr, ConnConfig: cc,
			Sequencer:   netip.MustParseAddrPort(cfg.Sequencer.Addr),
			SequencerID: cfg.Sequencer.ID, Peers: peers, F: cfg.F,
			ReplicaCmd: replicaCmd, ReplicaStderr: os.Stderr,
			Delivery: rm.Config{AckInterval: cfg.Timeouts.Heartbeat.D()},
			Retry:    cfg.Timeouts.StateFetch.D(),
			Logger:   log,
		})
		if err != nil {
			return fmt.Errorf("rm %d: %w", me.ID, err)
		}
		defer node.Close()
		run, replica = node.Run, node.Replica
		status = func() any { return node.Status() }
		if group, iface, ok := cfg.MulticastGroup(); ok {
			mc, err := wire.ListenMulticast(group, iface, cc)
			if err != nil {
				return fmt.Errorf("rm %d: %w", me.ID, err)
			}
			mcast = func(ctx context.Context) { _ = node.ServeMulticast(ctx, mc) }
		}
	}
	if *fault != "" {
		if err := replica().SetFault(*fault); err != nil {
			return usageError{fmt.Errorf("--fault: %w", err)}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("rm listening", "id", me.ID, "addr", me.Addr, "service", me.Service, "peers", len(peers))
	if *stats > 0 {
		go func() {
			t := time.NewTicker(*stats)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					log.Info("stats", "status", fmt.Sprintf("%+v", status()))
				}
			}
		}()
	}
	if mcast != nil {
		go mcast(ctx)
	}
	return run(ctx)
}
