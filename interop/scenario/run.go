package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

// Runner runs scenario calls one after another, keeping named results for
// later $NAME.field arguments.
type Runner struct {
	Services Services
	// Timeout bounds each call (0: 30 s), so a dead service never hangs a run.
	Timeout time.Duration
	results map[string]any
}

// Result is the outcome of a run.
type Result struct {
	Lines  []string
	Failed int // calls that ended in a system exception or a script error
}

// Run runs every call and returns the transcript lines.
func (r *Runner) Run(ctx context.Context, calls []Call) Result {
	var res Result
	for _, c := range calls {
		line, ok := r.Step(ctx, c)
		res.Lines = append(res.Lines, line)
		if !ok {
			res.Failed++
		}
	}
	return res
}

// WriteTranscript runs calls and writes the transcript, one line per call.
func (r *Runner) WriteTranscript(ctx context.Context, calls []Call, w io.Writer) (failed int, err error) {
	for _, c := range calls {
		line, ok := r.Step(ctx, c)
		if !ok {
			failed++
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return failed, err
		}
	}
	return failed, nil
}

// Step runs one call and returns its transcript line; ok is false for a
// system exception or a script error (a user exception is an answer).
func (r *Runner) Step(ctx context.Context, c Call) (line string, ok bool) {
	args, err := r.convert(c)
	if err != nil {
		return c.Service + "." + c.Op + " -> error " + err.Error(), false
	}
	shown := make([]string, len(args))
	for i, a := range args {
		shown[i] = Value(a)
	}
	call := c.Service + "." + c.Op + "(" + strings.Join(shown, ", ") + ")"
	op := operations[c.Service+"."+c.Op]
	if (c.Service == "DEMS" && r.Services.DEMS == nil) || (c.Service == "JustHungry" && r.Services.JustHungry == nil) {
		return call + " -> error line " + strconv.Itoa(c.Line) + ": no " + c.Service + " service", false
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	result, err := op.call(cctx, r.Services, args)
	if err != nil {
		out := Outcome(err)
		return call + " -> " + out, strings.HasPrefix(out, "raises ")
	}
	if c.Bind != "" {
		if r.results == nil {
			r.results = map[string]any{}
		}
		r.results[c.Bind] = result
	}
	return call + " -> " + Value(result), true
}

// convert turns a call's tokens into Go values of its parameters' types.
func (r *Runner) convert(c Call) ([]any, error) {
	where := "line " + strconv.Itoa(c.Line) + ": "
	op, ok := operations[c.Service+"."+c.Op]
	if !ok {
		return nil, errors.New(where + c.Service + " has no operation " + c.Op)
	}
	if len(op.params) != len(c.Args) {
		return nil, fmt.Errorf("%s%s takes %d arguments", where, c.Op, len(op.params))
	}
	out := make([]any, len(c.Args))
	for i, tok := range c.Args {
		v, err := r.arg(op.params[i], tok)
		if err != nil {
			return nil, errors.New(where + err.Error())
		}
		out[i] = v
	}
	return out, nil
}

func (r *Runner) arg(k kind, tok string) (any, error) {
	switch k {
	case kString:
		return r.str(tok)
	case kLong:
		n, err := strconv.ParseInt(tok, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("want a long, got %s", tok)
		}
		return int32(n), nil
	case kEventKind:
		return ParseEventKind(tok)
	case kOrderLines:
		return ParseOrderLines(tok)
	}
	return nil, fmt.Errorf("cannot pass %s", tok)
}

// str is a bare word, a "quoted string", or $NAME.field of an earlier result.
func (r *Runner) str(tok string) (string, error) {
	if IsQuoted(tok) {
		return Unquote(tok), nil
	}
	if !strings.HasPrefix(tok, "$") {
		return tok, nil
	}
	name, field, ok := strings.Cut(tok[1:], ".")
	res, found := r.results[name]
	if !ok || !found {
		return "", fmt.Errorf("%s: no such earlier result", tok)
	}
	v := reflect.Indirect(reflect.ValueOf(res))
	if v.Kind() == reflect.Struct {
		for i := 0; i < v.NumField(); i++ {
			if MemberName(v.Type().Field(i).Name) == field && v.Field(i).Kind() == reflect.String {
				return v.Field(i).String(), nil
			}
		}
	}
	return "", fmt.Errorf("%s: the result has no string field %s", tok, field)
}

// ParseEventKind reads a DEMS::EventKind label (Conferences, Seminars,
// TradeShows), exactly as the IDL spells it.
func ParseEventKind(tok string) (dems.EventKind, error) {
	for k := dems.EventKind(0); k <= dems.TradeShows; k++ {
		if k.String() == tok {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%s is not a DEMS::EventKind (Conferences, Seminars, TradeShows)", tok)
}

// ParseOrderLines reads order lines [itemId:qty,...] ([] is none).
func ParseOrderLines(tok string) (justhungry.OrderLineList, error) {
	if !strings.HasPrefix(tok, "[") || !strings.HasSuffix(tok, "]") {
		return nil, fmt.Errorf("want [id:qty,...], got %s", tok)
	}
	body := tok[1 : len(tok)-1]
	lines := justhungry.OrderLineList{}
	if body == "" {
		return lines, nil
	}
	for _, part := range strings.Split(body, ",") {
		i := strings.LastIndexByte(part, ':')
		if i < 0 {
			return nil, fmt.Errorf("order line %q: want id:qty", part)
		}
		q, err := strconv.ParseInt(part[i+1:], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("order line %q: quantity %q is not a long", part, part[i+1:])
		}
		lines = append(lines, justhungry.OrderLine{ItemId: part[:i], Quantity: int32(q)})
	}
	return lines, nil
}
