// Command concord is the single binary of the concord platform: every
// component (front end, sequencer, replica manager, replica, tools) is a
// sub-command, so a cluster needs one executable only.
package main

import (
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/pflag"
)

// command is one sub-command. Each lives in its own file and registers itself
// from init, so adding a component never touches this file.
type command struct {
	name    string
	summary string
	run     func(args []string) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("concord: sub-command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError marks errors caused by the command line, which exit with 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// parseFlags parses a sub-command's flags and turns pflag's errors (which name
// the flag) into usage errors.
func parseFlags(fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: concord <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'concord <command> --help' for a command's flags.")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "concord: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	err := c.run(os.Args[2:])
	switch {
	case err == nil:
	case errors.Is(err, pflag.ErrHelp):
	case errors.As(err, new(usageError)):
		fmt.Fprintf(os.Stderr, "concord %s: %v\n", c.name, err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "concord %s: %v\n", c.name, err)
		os.Exit(1)
	}
}
