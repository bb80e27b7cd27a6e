package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
	"concord/interop/scenario"
)

// ErrQuit is returned by Exec for the quit command.
var ErrQuit = errors.New("quit")

// NotAllowedError is a command the current user may not run (not logged in,
// a customer asking for a manager operation...): the client refuses it
// before calling anything.
type NotAllowedError struct{ Msg string }

func (e *NotAllowedError) Error() string { return e.Msg }

// Session is one user's use of the services.
type Session struct {
	DEMS       dems.EventManagement
	JustHungry justhungry.FoodOrdering
	Log        *Log
	// Timeout bounds each call (0: 30 s).
	Timeout time.Duration

	user    string
	role    Role
	actFor  string // customer a manager acts for
	orderNo int    // makes generated request ids unique within the session

	// Failures counts operations that ended in a system exception.
	Failures int
}

// User is the logged-in user id ("" before login).
func (s *Session) User() string { return s.user }

// Role is the logged-in user's role.
func (s *Session) Role() Role { return s.role }

// Allowed reports whether the current user may run spec.
func (s *Session) Allowed(spec *Spec) bool {
	switch spec.Need {
	case Anyone:
		return true
	case LoggedIn:
		return s.user != ""
	case CustomerSide:
		return s.role == Customer || s.role == Manager
	case ManagerOnly:
		return s.role == Manager
	}
	return false
}

// customer is the id customer operations act for.
func (s *Session) customer() (string, error) {
	if s.role == Customer {
		return s.user, nil
	}
	if s.actFor == "" {
		return "", &NotAllowedError{"a manager acts for a customer: run `for CUSTOMERID` first"}
	}
	return s.actFor, nil
}

// Exec runs one command and returns what to show. Its error is a
// *NotAllowedError or ErrQuit; a refusal or failure of the service is
// output (and counted in Failures when it is a system exception).
func (s *Session) Exec(ctx context.Context, c Command) (string, error) {
	if !s.Allowed(c.Spec) {
		return "", s.notAllowed(c.Spec)
	}
	switch c.Spec.Name {
	case "login":
		s.user, s.role, s.actFor = c.Args[0], RoleOf(c.Args[0]), ""
		return fmt.Sprintf("Logged in as %s (%v).", s.user, s.role), nil
	case "for":
		if len(c.Args) == 0 {
			s.actFor = ""
			return "Customer operations no longer act for anyone.", nil
		}
		s.actFor = c.Args[0]
		return "Customer operations now act for " + s.actFor + ".", nil
	case "help":
		return s.Help(), nil
	case "quit":
		return "", ErrQuit
	}
	cust := ""
	if c.Spec.Need == CustomerSide {
		var err error
		if cust, err = s.customer(); err != nil {
			return "", err
		}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	request := c.String()
	if cust != "" && cust != s.user {
		request += " (for " + cust + ")"
	}
	res, text, err := s.call(cctx, c, cust)
	if err != nil {
		text = ErrorText(err)
		if !strings.HasPrefix(scenario.Outcome(err), "raises ") {
			s.Failures++
		}
		if lerr := s.Log.Write(s.user, request, scenario.Outcome(err)+" "+text); lerr != nil {
			text += "\n(log not written: " + lerr.Error() + ")"
		}
		return text, nil
	}
	if lerr := s.Log.Write(s.user, request, "ok "+scenario.Value(res)); lerr != nil {
		text += "\n(log not written: " + lerr.Error() + ")"
	}
	return text, nil
}

func (s *Session) notAllowed(spec *Spec) error {
	switch {
	case s.user == "":
		return &NotAllowedError{spec.Name + ": log in first (login USERID)"}
	case spec.Need == ManagerOnly:
		return &NotAllowedError{fmt.Sprintf("%s: only a DEMS manager may do this; %s is a %v", spec.Name, s.user, s.role)}
	}
	return &NotAllowedError{fmt.Sprintf("%s: only a DEMS customer or manager may do this; %s is a %v", spec.Name, s.user, s.role)}
}

// call invokes the operation behind c and returns its result and its text.
func (s *Session) call(ctx context.Context, c Command, cust string) (any, string, error) {
	a := c.Args
	if c.Spec.Need == LoggedIn && s.JustHungry == nil {
		return nil, "", errors.New("no Just Hungry service reference (see --fe)")
	}
	if (c.Spec.Need == CustomerSide || c.Spec.Need == ManagerOnly) && s.DEMS == nil {
		return nil, "", errors.New("no DEMS service reference (see --fe)")
	}
	switch c.Spec.Name {
	case "add":
		n, _ := strconv.ParseInt(a[2], 10, 32)
		r, err := s.DEMS.AddEvent(ctx, s.user, a[0], kind(a[1]), int32(n))
		return r, formatAdd(r), err
	case "remove":
		r, err := s.DEMS.RemoveEvent(ctx, s.user, a[0], kind(a[1]))
		return r, formatRemoval(r), err
	case "availability":
		r, err := s.DEMS.ListEventAvailability(ctx, s.user, kind(a[0]))
		return r, formatSlots(r), err
	case "book":
		r, err := s.DEMS.BookEvent(ctx, cust, a[0], kind(a[1]))
		return r, fmt.Sprintf("Booked %s on %s.", r.CustomerId, event(r.EventId, r.Type)), err
	case "schedule":
		r, err := s.DEMS.GetBookingSchedule(ctx, cust)
		return r, formatBookings(cust, r), err
	case "cancel":
		r, err := s.DEMS.CancelEvent(ctx, cust, a[0], kind(a[1]))
		return r, fmt.Sprintf("Cancelled the booking of %s on %s.", r.CustomerId, event(r.EventId, r.Type)), err
	case "swap":
		r, err := s.DEMS.SwapEvent(ctx, cust, a[0], kind(a[1]), a[2], kind(a[3]))
		return r, fmt.Sprintf("Swapped for %s: cancelled %s, booked %s.", r.Booked.CustomerId,
			event(r.Cancelled.EventId, r.Cancelled.Type), event(r.Booked.EventId, r.Booked.Type)), err
	case "restaurants":
		r, err := s.JustHungry.ListRestaurants(ctx)
		return r, formatRestaurants(r), err
	case "menu":
		r, err := s.JustHungry.GetMenu(ctx, a[0])
		return r, formatMenu(r), err
	case "address":
		r, err := s.JustHungry.LookupAddress(ctx, a[0])
		return r, formatAddress(r), err
	case "order":
		lines, _ := orderLines(a[1])
		req := s.requestID(a)
		r, err := s.JustHungry.PlaceOrder(ctx, s.user, a[0], lines, a[2], req)
		return r, formatOrder(r), err
	case "orders":
		r, err := s.JustHungry.GetOrders(ctx, s.user)
		return r, formatOrders(s.user, r), err
	case "cancel-order":
		r, err := s.JustHungry.CancelOrder(ctx, s.user, a[0])
		return r, formatOrder(r), err
	}
	return nil, "", fmt.Errorf("command %s has no operation", c.Spec.Name)
}

// requestID is the order's REQUESTID argument, or a fresh one: the user,
// the time and a counter, so two orders never share one by accident.
func (s *Session) requestID(a []string) string {
	if len(a) > 3 {
		return a[3]
	}
	s.orderNo++
	now := time.Now
	if s.Log != nil && s.Log.Now != nil {
		now = s.Log.Now
	}
	return fmt.Sprintf("%s-%d-%d", s.user, now().UnixNano(), s.orderNo)
}

// kind converts a label Parse already checked.
func kind(label string) dems.EventKind {
	k, _ := scenario.ParseEventKind(label)
	return k
}

// orderLines reads ITEM:QTY[,ITEM:QTY...], with or without [ ].
func orderLines(s string) (justhungry.OrderLineList, error) {
	if !strings.HasPrefix(s, "[") {
		s = "[" + s + "]"
	}
	return scenario.ParseOrderLines(s)
}

// Help lists the commands the current user may run.
func (s *Session) Help() string {
	rows := [][]string{}
	for _, spec := range s.Available() {
		rows = append(rows, []string{spec.Usage(), spec.Summary})
	}
	return table([]string{"COMMAND", "WHAT IT DOES"}, rows)
}

// Available is the commands the current user may run, in menu order.
func (s *Session) Available() []*Spec {
	var out []*Spec
	for _, spec := range Specs {
		if s.Allowed(spec) {
			out = append(out, spec)
		}
	}
	return out
}
