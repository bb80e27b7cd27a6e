// Package lookup is the client adapter of the postcode component: it turns a
// postcode into a postcodes.Address by asking a list of providers in order,
// hiding which one answered (transparency), with a per-call timeout, failover
// with backoff, a circuit breaker per provider, an LRU cache with TTL and a
// bounded total time budget.
package lookup

import (
	"errors"
	"fmt"
	"strings"
)

// The two outcomes callers must tell apart (errors.Is works on both the
// sentinels and the typed errors that carry details).
var (
	// ErrUnknownPostcode: the postcode is malformed, or a provider said it
	// does not exist. Retrying will not help; tell the user.
	ErrUnknownPostcode = errors.New("unknown postcode")
	// ErrUnavailable: no provider could answer within the budget.
	ErrUnavailable = errors.New("postcode lookup unavailable")
)

// UnknownError is an ErrUnknownPostcode with its details.
type UnknownError struct {
	Postcode string // as given, or normalised when it was valid
	Provider string // who said so; empty when rejected locally
	Reason   string // e.g. "Postcode not found", "Invalid postcode"
}

func (e *UnknownError) Error() string {
	if e.Provider == "" {
		return fmt.Sprintf("unknown postcode %q: %s", e.Postcode, e.Reason)
	}
	return fmt.Sprintf("unknown postcode %q: %s (provider %s)", e.Postcode, e.Reason, e.Provider)
}

// Is makes errors.Is(err, ErrUnknownPostcode) true.
func (e *UnknownError) Is(target error) bool { return target == ErrUnknownPostcode }

// Attempt records why one provider did not answer.
type Attempt struct {
	Provider string
	Err      error
}

// UnavailableError is an ErrUnavailable listing each provider's failure.
type UnavailableError struct {
	Postcode string
	Attempts []Attempt
}

func (e *UnavailableError) Error() string {
	parts := make([]string, len(e.Attempts))
	for i, a := range e.Attempts {
		parts[i] = a.Provider + ": " + a.Err.Error()
	}
	if len(parts) == 0 {
		parts = []string{"no provider tried within the budget"}
	}
	return fmt.Sprintf("postcode lookup unavailable for %q: %s", e.Postcode, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// errCircuitOpen is recorded for a provider skipped by its breaker.
var errCircuitOpen = errors.New("circuit open")
