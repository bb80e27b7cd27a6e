package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"concord/giop/ior"
	"concord/giop/orb"
)

// listenIIOP listens on addr (HOST:PORT) and returns the listener and the
// address to advertise in references: a wildcard host is advertised as
// loopback, the only network this product is tested on by default.
func listenIIOP(flag, addr string) (net.Listener, ior.Address, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, ior.Address{}, usageError{fmt.Errorf("--%s %q: %v", flag, addr, err)}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, ior.Address{}, fmt.Errorf("--%s %s: %w", flag, addr, err)
	}
	_, portStr, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(portStr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return ln, ior.Address{Host: host, Port: uint16(port)}, nil
}

// writeIORFile writes a stringified IOR (and a newline) atomically, so a
// client polling for the file never reads half of it.
func writeIORFile(path string, r *ior.IOR) error {
	if path == "" {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(r.String()+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// serveUntilSignal serves srv on ln until SIGINT or SIGTERM, then shuts it
// down gracefully (CloseConnection to every client).
func serveUntilSignal(srv *orb.Server, ln net.Listener) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, orb.ErrServerClosed) && e != nil {
		return e
	}
	return err
}
