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
	"concord/sequencer"
)

func init() {
	register(command{name: "sequencer", summary: "run the sequencer (total order for DEMS requests)", run: runSequencer})
}

// loadCluster reads --config, or the embedded loopback cluster without one.
func loadCluster(file string) (*cluster.Config, error) {
	if file == "" {
		return cluster.Default(), nil
	}
	c, err := cluster.Load(file)
	if err != nil {
		return nil, usageError{fmt.Errorf("--config: %w", err)}
	}
	return c, nil
}

func checkDrop(drop float64) error {
	if drop < 0 || drop >= 1 {
		return usageError{fmt.Errorf("--drop %v: must be in [0, 1)", drop)}
	}
	return nil
}

func runSequencer(args []string) error {
	fs := pflag.NewFlagSet("sequencer", pflag.ContinueOnError)
	cfgFile := fs.String("config", "", "cluster config `FILE` (JSON); default: the embedded loopback cluster")
	drop := fs.Float64("drop", 0, "drop this fraction of received datagrams (loss injection)")
	batch := fs.Int("batch", 64, "datagrams per recvmmsg/sendmmsg call (1: no I/O batching)")
	maxBatch := fs.Int("max-batch", 0, "requests per Sequenced datagram (0: as many as fit; 1: no batching)")
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
	if *batch <= 0 || *maxBatch < 0 {
		return usageError{fmt.Errorf("--batch must be > 0 and --max-batch >= 0")}
	}
	sc := sequencer.Config{ID: cfg.Sequencer.ID, MaxBatch: *maxBatch, EvictQuorum: cfg.F + 1,
		RMTimeout: cfg.Timeouts.RMSilence.D(), HeartbeatInterval: cfg.Timeouts.Heartbeat.D()}
	for _, r := range cfg.Group(cluster.DEMS) {
		sc.RMs = append(sc.RMs, sequencer.RM{ID: r.ID, Addr: netip.MustParseAddrPort(r.Addr)}) // validated
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "sequencer")
	group, iface, _ := cfg.MulticastGroup()
	srv, err := sequencer.Listen(sequencer.ServerConfig{Sequencer: sc, Addr: cfg.Sequencer.Addr, Logger: log,
		ConnConfig: wire.ConnConfig{Key: wire.NewKey([]byte(cfg.Key)), Batch: *batch, DropRate: *drop},
		Multicast:  group, MulticastIface: iface})
	if err != nil {
		return fmt.Errorf("sequencer: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("sequencer listening", "addr", srv.Addr(), "rms", len(sc.RMs))
	if *stats > 0 {
		go func() {
			t := time.NewTicker(*stats)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					st, cs := srv.Stats()
					log.Info("stats", "seq", fmt.Sprintf("%+v", st), "conn", fmt.Sprintf("%+v", cs))
				}
			}
		}()
	}
	return srv.Serve(ctx)
}
