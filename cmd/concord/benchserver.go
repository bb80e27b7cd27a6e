package main

import (
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"

	"github.com/spf13/pflag"

	"concord/giop/ior"
	"concord/giop/orb"
	"concord/internal/benchecho"
)

func init() {
	register(command{name: "bench-server", summary: "serve Bench::Echo over IIOP (benchmarks, interop)", run: runBenchServer})
}

func runBenchServer(args []string) error {
	fs := pflag.NewFlagSet("bench-server", pflag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:2809", "IIOP listen address HOST:PORT")
	iorFile := fs.String("ior-file", "", "write the Echo object's stringified IOR to this file")
	maxMsg := fs.Int("max-message-size", 0, "largest GIOP message accepted, in bytes (0: 64 MiB)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `FILE` until shutdown (performance work)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ln, addr, err := listenIIOP("listen", *listen)
	if err != nil {
		return err
	}
	adapter := orb.NewAdapter()
	adapter.RegisterInline([]byte(benchecho.ObjectKey), benchecho.Servant{})
	ref := ior.New(benchecho.RepositoryID, addr, []byte(benchecho.ObjectKey))
	if err := writeIORFile(*iorFile, ref); err != nil {
		return err
	}
	slog.Info("bench-server listening", "addr", addr.String(),
		"corbaloc", ior.CorbalocURL(1, 2, addr, []byte(benchecho.ObjectKey)), "ior-file", *iorFile)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	srv := orb.NewServer(adapter, orb.ServerConfig{MaxMessageSize: *maxMsg})
	return serveUntilSignal(srv, ln)
}
