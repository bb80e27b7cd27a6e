package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RunInteractive is the menu-driven interface: log in, then pick an
// operation by number (the client asks for each argument) or type a command
// line. The menu only lists what the user may do. It returns at end of input
// or on quit.
func RunInteractive(ctx context.Context, s *Session, in io.Reader, out io.Writer) error {
	p := &prompter{sc: bufio.NewScanner(in), out: out}
	fmt.Fprintln(out, "concord client: DEMS events and Just Hungry food ordering. Type help for the command syntax.")
	for {
		if s.User() == "" {
			id, ok := p.ask("User id (MTLC1234 customer, MTLM0001 manager, or any name for Just Hungry; empty to quit): ")
			if !ok || id == "" {
				return nil
			}
			cmd, _, err := Parse("login " + quoteArg(id))
			if err != nil {
				fmt.Fprintln(out, err)
				continue
			}
			text, _ := s.Exec(ctx, cmd)
			fmt.Fprintln(out, text)
		}
		avail := s.Available()
		fmt.Fprintln(out)
		for i, spec := range avail {
			fmt.Fprintf(out, "%3d) %-14s %s\n", i+1, spec.Name, spec.Summary)
		}
		answer, ok := p.ask("[" + s.User() + "] choose a number, or type a command: ")
		if !ok {
			return nil
		}
		cmd, ok, err := p.command(answer, avail)
		if err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		if !ok {
			continue
		}
		text, err := s.Exec(ctx, cmd)
		if errors.Is(err, ErrQuit) {
			return nil
		}
		if err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		fmt.Fprintln(out, text)
	}
}

type prompter struct {
	sc  *bufio.Scanner
	out io.Writer
}

func (p *prompter) ask(prompt string) (string, bool) {
	fmt.Fprint(p.out, prompt)
	if !p.sc.Scan() {
		fmt.Fprintln(p.out)
		return "", false
	}
	return strings.TrimSpace(p.sc.Text()), true
}

// command turns a menu answer into a command: a number asks for each
// argument in turn; anything else is a command line.
func (p *prompter) command(answer string, avail []*Spec) (Command, bool, error) {
	n, err := strconv.Atoi(answer)
	if err != nil {
		return Parse(answer)
	}
	if n < 1 || n > len(avail) {
		return Command{}, false, fmt.Errorf("no choice %d", n)
	}
	spec := avail[n-1]
	line := []string{spec.Name}
	for _, a := range spec.Args {
		prompt := a.Name
		switch {
		case a.kind == aEventKind:
			prompt += " (Conferences, Seminars, TradeShows)"
		case a.kind == aLines:
			prompt = "items (ITEM:QTY,ITEM:QTY...)"
		case a.Optional:
			prompt += " (optional, Enter to skip)"
		}
		v, ok := p.ask(prompt + ": ")
		if !ok {
			return Command{}, false, nil
		}
		if v == "" && a.Optional {
			break
		}
		line = append(line, quoteArg(v))
	}
	return Parse(strings.Join(line, " "))
}

// quoteArg quotes an answer so blanks (a postcode) stay one argument.
func quoteArg(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}
