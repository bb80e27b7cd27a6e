package postcodes

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidFormat is returned for strings that cannot be a UK postcode.
var ErrInvalidFormat = errors.New("invalid postcode format")

// Normalise turns user input ("sw1a1aa", " SW1A 1AA ") into the canonical
// form "SW1A 1AA" (upper case, one space before the inward code) and checks
// it against the UK format rules. Lookups everywhere use this form as the key,
// so every provider and cache agrees on spelling.
func Normalise(s string) (string, error) {
	compact := compactUpper(s)
	if len(compact) < 5 || len(compact) > 7 {
		return "", fmt.Errorf("%w: %q", ErrInvalidFormat, s)
	}
	out, in := compact[:len(compact)-3], compact[len(compact)-3:]
	if !validOutward(out) || !validInward(in) {
		if compact != "GIR0AA" { // the one historic exception (Girobank)
			return "", fmt.Errorf("%w: %q", ErrInvalidFormat, s)
		}
	}
	return out + " " + in, nil
}

// NormaliseOutcode canonicalises an outward code ("sw1a" -> "SW1A").
func NormaliseOutcode(s string) (string, error) {
	compact := compactUpper(s)
	if !validOutward(compact) {
		return "", fmt.Errorf("%w: outward code %q", ErrInvalidFormat, s)
	}
	return compact, nil
}

// Split returns the outward and inward codes of a normalised postcode.
func Split(normalised string) (outcode, incode string) {
	i := strings.IndexByte(normalised, ' ')
	if i < 0 {
		return normalised, ""
	}
	return normalised[:i], normalised[i+1:]
}

// compactUpper drops all white space and upper-cases ASCII letters; anything
// else is kept so the validators reject it.
func compactUpper(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Letter sets of the Royal Mail format rules (BS 7666).
const (
	firstLetters  = "ABCDEFGHIJKLMNOPRSTUWYZ" // not Q, V, X
	secondLetters = "ABCDEFGHKLMNOPQRSTUVWXY" // not I, J, Z
	thirdLetters  = "ABCDEFGHJKPSTUW"         // A9A form
	fourthLetters = "ABEHMNPRVWXY"            // AA9A form
	inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"    // not C, I, K, M, O, V
)

// validOutward accepts the six outward shapes: A9, A99, AA9, AA99, A9A, AA9A.
func validOutward(s string) bool {
	in := func(c byte, set string) bool { return strings.IndexByte(set, c) >= 0 }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if len(s) < 2 || len(s) > 4 || !in(s[0], firstLetters) {
		return false
	}
	switch {
	case digit(s[1]): // A9, A99, A9A
		switch len(s) {
		case 2:
			return true
		case 3:
			return digit(s[2]) || in(s[2], thirdLetters)
		}
		return false
	case in(s[1], secondLetters): // AA9, AA99, AA9A
		if len(s) < 3 || !digit(s[2]) {
			return false
		}
		if len(s) == 3 {
			return true
		}
		return digit(s[3]) || in(s[3], fourthLetters)
	}
	return false
}

// validInward accepts 9AA with the restricted letter set.
func validInward(s string) bool {
	return len(s) == 3 && s[0] >= '0' && s[0] <= '9' &&
		strings.IndexByte(inwardLetters, s[1]) >= 0 &&
		strings.IndexByte(inwardLetters, s[2]) >= 0
}
