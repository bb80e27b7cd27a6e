package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"concord/frontend"
	"concord/frontend/passive"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/internal/cluster"
	"concord/internal/wire"
)

func init() {
	register(command{name: "frontend", summary: "run the front end: the one CORBA entry point (voting, failover, naming)", run: runFrontend})
}

func runFrontend(args []string) error {
	fs := pflag.NewFlagSet("frontend", pflag.ContinueOnError)
	cfgFile := fs.String("config", "", "cluster config `FILE` (JSON); default: the embedded loopback cluster")
	iorDir := fs.String("ior-dir", "", "write NameService.ior, DEMS.ior and JustHungry.ior into `DIR`")
	listen := fs.String("listen", "", "IIOP listen address HOST:PORT (default: frontend.iiop of the config)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{fmt.Errorf("--log-level: %v", err)}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	c, err := loadCluster(*cfgFile)
	if err != nil {
		return err
	}
	if *listen == "" {
		*listen = c.FrontEnd.IIOP
	}
	metrics := frontend.NewMetrics(nil)

	// Active replication (DEMS): sequencer, voting.
	fcfg, err := frontend.FromCluster(c)
	if err != nil {
		return fmt.Errorf("cluster config: %w", err)
	}
	fcfg.Logger, fcfg.Metrics = log, metrics
	udp, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(c.FrontEnd.UDP)))
	if err != nil {
		return fmt.Errorf("frontend.udp %s: %w", c.FrontEnd.UDP, err)
	}
	dems, err := frontend.New(fcfg, udp)
	if err != nil {
		return err
	}
	dems.Start()
	defer dems.Close()

	// Passive replication (Just Hungry): primary-backup with failover.
	jh, pbudp, err := startPassive(c, log, metrics)
	if err != nil {
		return err
	}
	if pbudp != nil {
		defer pbudp.Close()
		defer jh.Close()
	}

	ln, addr, err := listenIIOP("listen", *listen)
	if err != nil {
		return err
	}
	adapter := orb.NewAdapter()
	refs := frontend.Register(adapter, addr, dems, jh)
	if *iorDir != "" {
		for key, ref := range refs {
			if err := writeIORFile(filepath.Join(*iorDir, key+".ior"), ref); err != nil {
				return fmt.Errorf("--ior-dir: %w", err)
			}
		}
	}
	if c.FrontEnd.Metrics != "" {
		mln, err := net.Listen("tcp", c.FrontEnd.Metrics)
		if err != nil {
			return fmt.Errorf("frontend.metrics %s: %w", c.FrontEnd.Metrics, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", metrics.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
	}
	log.Info("front end listening", "iiop", addr.String(),
		"naming", ior.CorbalocURL(1, 2, addr, []byte(frontend.KeyNameService)),
		"dems", ior.CorbalocURL(1, 2, addr, []byte(frontend.KeyDEMS)), "metrics", c.FrontEnd.Metrics)
	srv := orb.NewServer(adapter, orb.ServerConfig{Logger: log})
	return serveUntilSignal(srv, ln)
}

// startPassive starts the primary-backup client for Just Hungry, if the
// cluster has that group.
func startPassive(c *cluster.Config, log *slog.Logger, m *frontend.Metrics) (*frontend.PrimaryBackup, *frontend.PBUDP, error) {
	group := c.Group(cluster.JustHungry)
	if len(group) == 0 {
		return nil, nil, nil
	}
	rms := map[uint32]netip.AddrPort{}
	ids := make([]uint32, 0, len(group))
	for _, r := range group {
		a, err := netip.ParseAddrPort(r.Addr)
		if err != nil {
			return nil, nil, fmt.Errorf("rm %d addr: %w", r.ID, err)
		}
		rms[r.ID] = a
		ids = append(ids, r.ID)
	}
	host, _, err := net.SplitHostPort(c.FrontEnd.UDP)
	if err != nil {
		return nil, nil, fmt.Errorf("frontend.udp: %w", err)
	}
	conn, err := wire.Listen(net.JoinHostPort(host, "0"), wire.ConnConfig{Key: wire.NewKey([]byte(c.Key))})
	if err != nil {
		return nil, nil, err
	}
	backend := frontend.NewPBUDP(conn, c.FrontEnd.ID, rms, log)
	pcfg := passive.DefaultConfig(ids)
	if w := c.Timeouts.PrimaryWait.D(); w > 0 {
		pcfg.Attempt = w
	}
	jh, err := frontend.NewPrimaryBackup(cluster.JustHungry, c.FrontEnd.ID, pcfg, backend, 0, log, m)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	backend.Attach(jh)
	backend.Start()
	backend.Ask(0)
	return jh, backend, nil
}
