package scenario

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"

	"concord/giop/orb"
)

// Quote writes s as Canon.java does: in double quotes, \" and \\ escaped,
// every UTF-16 unit outside printable ASCII as \uXXXX (lower-case hex).
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u == '"' || u == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(u))
		case u < 0x20 || u > 0x7e:
			fmt.Fprintf(&b, "\\u%04x", u)
		default:
			b.WriteByte(byte(u))
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Double formats f as Java's String.format(Locale.ROOT, "%.6f", f): Java
// rounds the shortest decimal form of the double half-up, which can differ
// from Go's exact binary rounding when the 7th decimal is a 5.
func Double(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	sign := ""
	if math.Signbit(f) {
		sign = "-"
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) <= 6 {
		return sign + intPart + "." + frac + strings.Repeat("0", 6-len(frac))
	}
	digits := []byte(intPart + frac[:6])
	if frac[6] >= '5' {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	n := len(digits) - 6
	return sign + string(digits[:n]) + "." + string(digits[n:])
}

// ScopedName turns a repository id into an IDL scoped name:
// IDL:DEMS/EventError:1.0 -> DEMS::EventError, IDL:omg.org/CORBA/TRANSIENT:1.0 -> CORBA::TRANSIENT.
func ScopedName(repoID string) string {
	s := strings.TrimPrefix(repoID, "IDL:")
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimPrefix(s, "omg.org/")
	return strings.ReplaceAll(s, "/", "::")
}

// userException is what generated IDL exceptions implement.
type userException interface {
	error
	RepositoryID() string
}

// Outcome is the canonical text of an operation's error: "raises
// Module::Name(reason=Label)" for a user exception, "system CORBA::NAME" for
// anything else (a system exception's minor code differs between ORBs, so it
// is left out).
func Outcome(err error) string {
	var ue userException
	if errors.As(err, &ue) {
		return "raises " + UserException(ue)
	}
	return "system " + ScopedName(orb.AsSystemException(err, orb.CompletedMaybe).RepoID)
}

// UserException is Module::Name(reason=Label); the message is free text and
// not compared.
func UserException(ue userException) string {
	s := ScopedName(ue.RepositoryID())
	v := reflect.Indirect(reflect.ValueOf(ue))
	if v.Kind() == reflect.Struct {
		if r := v.FieldByName("Reason"); r.IsValid() {
			s += "(reason=" + Value(r.Interface()) + ")"
		}
	}
	return s
}

// Value is the canonical text of a value of a generated IDL type: strings
// quoted, integers in decimal, doubles %.6f, enums by label, structs as
// {field=value, ...} in IDL order, sequences as [a, b]. Struct member names
// are the generated Go field names with the first letter lower-cased (the
// generator upper-cases the IDL name's first letter and nothing else).
func Value(v any) string {
	if v == nil {
		return "null"
	}
	if ue, ok := v.(userException); ok {
		return UserException(ue)
	}
	return value(reflect.ValueOf(v))
}

func value(v reflect.Value) string {
	// Enums are unsigned integers with a String method giving the label.
	if v.Kind() == reflect.Uint32 && v.Type().PkgPath() != "" {
		if s, ok := v.Interface().(fmt.Stringer); ok {
			return s.String()
		}
	}
	switch v.Kind() {
	case reflect.String:
		return Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return Double(v.Float())
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = value(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "null"
		}
		return value(v.Elem())
	case reflect.Struct:
		t := v.Type()
		parts := make([]string, 0, t.NumField())
		for i := 0; i < t.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			parts = append(parts, MemberName(t.Field(i).Name)+"="+value(v.Field(i)))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("<no canonical form for %s>", v.Type())
}

// MemberName is the IDL member name of a generated Go field name.
func MemberName(goField string) string {
	if goField == "" {
		return ""
	}
	return strings.ToLower(goField[:1]) + goField[1:]
}
