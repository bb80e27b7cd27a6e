package client

import (
	"fmt"
	"strconv"
	"strings"

	"concord/interop/scenario"
)

// Need is who may run a command.
type Need int

const (
	Anyone       Need = iota // before logging in too
	LoggedIn                 // any logged-in user (Just Hungry)
	CustomerSide             // a customer, or a manager acting for one
	ManagerOnly              // a DEMS manager
)

// argKind says how an argument is checked when a line is parsed.
type argKind int

const (
	aWord      argKind = iota // any non-empty word or "quoted string"
	aEventKind                // Conferences, Seminars, TradeShows
	aInt                      // a long
	aLines                    // order lines ITEM:QTY[,ITEM:QTY...]
	aCustomer                 // a DEMS customer id
)

// Arg is one argument of a command.
type Arg struct {
	Name     string
	kind     argKind
	Optional bool // only the last argument may be optional
}

// Spec describes one command of the client's language.
type Spec struct {
	Name    string
	Args    []Arg
	Need    Need
	Summary string
}

// Usage is the command's syntax, e.g. "book EVENTID TYPE".
func (s *Spec) Usage() string {
	parts := []string{s.Name}
	for _, a := range s.Args {
		if a.Optional {
			parts = append(parts, "["+a.Name+"]")
		} else {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, " ")
}

// Specs is the command language, in menu order.
var Specs = []*Spec{
	{"login", []Arg{{"USERID", aWord, false}}, Anyone, "log in: a DEMS id (MTLC1234, MTLM0001) or any name for Just Hungry"},
	{"for", []Arg{{"CUSTOMERID", aCustomer, true}}, ManagerOnly, "act for a customer in customer operations (no id: stop)"},
	{"add", []Arg{{"EVENTID", aWord, false}, {"TYPE", aEventKind, false}, {"CAPACITY", aInt, false}}, ManagerOnly, "add an event, or set its capacity"},
	{"remove", []Arg{{"EVENTID", aWord, false}, {"TYPE", aEventKind, false}}, ManagerOnly, "remove an event (its customers are moved or dropped)"},
	{"availability", []Arg{{"TYPE", aEventKind, false}}, ManagerOnly, "list every event of a type with its free seats"},
	{"book", []Arg{{"EVENTID", aWord, false}, {"TYPE", aEventKind, false}}, CustomerSide, "book an event"},
	{"schedule", nil, CustomerSide, "list the customer's bookings"},
	{"cancel", []Arg{{"EVENTID", aWord, false}, {"TYPE", aEventKind, false}}, CustomerSide, "cancel a booking"},
	{"swap", []Arg{{"NEWEVENTID", aWord, false}, {"NEWTYPE", aEventKind, false}, {"OLDEVENTID", aWord, false}, {"OLDTYPE", aEventKind, false}}, CustomerSide, "swap a booking for another event, atomically"},
	{"restaurants", nil, LoggedIn, "list the restaurants"},
	{"menu", []Arg{{"RESTAURANTID", aWord, false}}, LoggedIn, "show a restaurant's menu"},
	{"address", []Arg{{"POSTCODE", aWord, false}}, LoggedIn, "look up a delivery address"},
	{"order", []Arg{{"RESTAURANTID", aWord, false}, {"ITEM:QTY,...", aLines, false}, {"POSTCODE", aWord, false}, {"REQUESTID", aWord, true}}, LoggedIn, "place an order (a REQUESTID makes a retry safe)"},
	{"orders", nil, LoggedIn, "list your orders"},
	{"cancel-order", []Arg{{"ORDERID", aWord, false}}, LoggedIn, "cancel one of your orders"},
	{"help", nil, Anyone, "list the commands you may use"},
	{"quit", nil, Anyone, "leave"},
}

// Lookup finds a command by name.
func Lookup(name string) (*Spec, bool) {
	for _, s := range Specs {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// Command is a parsed, checked command line.
type Command struct {
	Spec *Spec
	Args []string // unquoted; an omitted optional argument is absent
}

func (c Command) String() string {
	parts := []string{c.Spec.Name}
	for _, a := range c.Args {
		if a == "" || strings.ContainsAny(a, " \t\"\\") {
			a = scenario.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// Parse reads one command line: a command name and its arguments, separated
// by blanks; an argument with blanks is "quoted" (escapes \" \\ \uXXXX).
// Blank lines and '#' comments give ok=false and no error.
func Parse(line string) (cmd Command, ok bool, err error) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return Command{}, false, nil
	}
	toks, err := scenario.Tokenize(line)
	if err != nil {
		return Command{}, false, err
	}
	spec, found := Lookup(toks[0])
	if !found {
		return Command{}, false, fmt.Errorf("unknown command %q (try help)", toks[0])
	}
	args := make([]string, 0, len(toks)-1)
	for _, t := range toks[1:] {
		args = append(args, scenario.Unquote(t))
	}
	if err := check(spec, args); err != nil {
		return Command{}, false, fmt.Errorf("%s: %w (usage: %s)", spec.Name, err, spec.Usage())
	}
	return Command{Spec: spec, Args: args}, true, nil
}

// check verifies the number and form of a command's arguments.
func check(spec *Spec, args []string) error {
	min := len(spec.Args)
	if min > 0 && spec.Args[min-1].Optional {
		min--
	}
	if len(args) < min || len(args) > len(spec.Args) {
		if min == len(spec.Args) {
			return fmt.Errorf("want %d arguments, got %d", min, len(args))
		}
		return fmt.Errorf("want %d or %d arguments, got %d", min, len(spec.Args), len(args))
	}
	for i, a := range args {
		if err := checkArg(spec.Args[i], a); err != nil {
			return err
		}
	}
	return nil
}

func checkArg(a Arg, v string) error {
	switch a.kind {
	case aWord:
		if strings.TrimSpace(v) == "" && a.Name != "USERID" {
			return nil // the service gives the real answer for an empty id
		}
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("%s is empty", a.Name)
		}
	case aEventKind:
		if _, err := scenario.ParseEventKind(v); err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
	case aInt:
		if _, err := strconv.ParseInt(v, 10, 32); err != nil {
			return fmt.Errorf("%s: %q is not a whole number", a.Name, v)
		}
	case aLines:
		if _, err := orderLines(v); err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
	case aCustomer:
		if !IsCustomerID(v) {
			return fmt.Errorf("%s: %q is not a customer id (e.g. MTLC1234)", a.Name, v)
		}
	}
	return nil
}
