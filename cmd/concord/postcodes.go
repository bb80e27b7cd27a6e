package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"concord/postcodes/data"
	"concord/postcodes/server"
)

func init() {
	register(command{
		name:    "postcodes",
		summary: "run the embedded postcodes.io-compatible postcode web service",
		run:     runPostcodes,
	})
}

func runPostcodes(args []string) error {
	fs := pflag.NewFlagSet("postcodes", pflag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8094", "`HOST:PORT` to serve HTTP on (port 0 picks a free one)")
	dataFile := fs.String("data", "", "CSV `FILE` to serve instead of the embedded sample")
	formatName := fs.String("format", "auto", "format of --data: auto, "+joinFormats())
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{fmt.Errorf("invalid argument %q for \"--log-level\" flag: %v", *logLevel, err)}
	}
	format, err := data.ParseFormat(*formatName)
	if err != nil {
		return usageError{fmt.Errorf("invalid argument for \"--format\" flag: %w", err)}
	}
	if format != "" && *dataFile == "" {
		return usageError{fmt.Errorf("flag \"--format\" needs \"--data\"")}
	}
	if _, _, err := net.SplitHostPort(*listen); err != nil {
		return usageError{fmt.Errorf("invalid argument %q for \"--listen\" flag: %v", *listen, err)}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ds := data.Sample()
	source := "embedded sample"
	if *dataFile != "" {
		var got data.Format
		if ds, got, err = data.LoadFileAs(*dataFile, format); err != nil {
			return fmt.Errorf("loading --data: %w", err)
		}
		source = fmt.Sprintf("%s (%s)", *dataFile, got)
	}
	log.Info("postcode data loaded", "source", source, "postcodes", ds.Len(), "outcodes", ds.Outcodes())

	h, err := server.NewService(ds, log)
	if err != nil {
		return err
	}
	// SIGINT/SIGTERM cancel ctx; Serve then drains in-flight requests.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Serve(ctx, *listen, h, log, nil)
}

func joinFormats() string {
	names := make([]string, len(data.Formats))
	for i, f := range data.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
