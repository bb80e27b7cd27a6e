package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/pflag"

	"concord/postcodes/lookup"
	"concord/replicas"
	"concord/replicas/dems"
	"concord/replicas/justhungry"
	"concord/rm"
)

func init() {
	rm.RegisterService("dems", dems.NewService)
	register(command{name: "replica", summary: "run one replica over stdin/stdout (started by concord rm)", run: runReplica})
}

func runReplica(args []string) error {
	fs := pflag.NewFlagSet("replica", pflag.ContinueOnError)
	service := fs.String("service", "", "service to run: dems or justhungry")
	postcodes := fs.String("postcodes", "", "base `URL` of the postcode web service (justhungry)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var svc replicas.Service
	switch *service {
	case "justhungry":
		if *postcodes == "" {
			return usageError{fmt.Errorf("--postcodes: required for justhungry")}
		}
		p, err := lookup.NewPostcodesIO("postcodes", *postcodes, &http.Client{Timeout: 2 * time.Second})
		if err != nil {
			return usageError{fmt.Errorf("--postcodes: %w", err)}
		}
		svc = justhungry.NewService(lookup.New(lookup.Config{Providers: []lookup.Provider{p}}))
	default:
		var err error
		if svc, err = rm.NewService(*service); err != nil {
			return usageError{fmt.Errorf("--service: %w", err)}
		}
	}
	return rm.ServeReplica(svc, os.Stdin, os.Stdout)
}
