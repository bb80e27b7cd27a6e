package ast

import (
	"fmt"
	"math/big"
	"strings"
)

// Type is an IDL type expression.
type Type interface {
	// IDL renders the type as IDL source, for error messages.
	IDL() string
}

// BasicKind enumerates the built-in types.
type BasicKind int

const (
	Short BasicKind = iota
	UShort
	Long
	ULong
	LongLong
	ULongLong
	Float
	Double
	LongDouble
	Boolean
	Char
	WChar
	Octet
	Any
	TypeCode
	Object
	ValueBase
	Principal
)

var basicNames = [...]string{"short", "unsigned short", "long", "unsigned long", "long long",
	"unsigned long long", "float", "double", "long double", "boolean", "char", "wchar", "octet",
	"any", "TypeCode", "Object", "ValueBase", "Principal"}

func (k BasicKind) String() string { return basicNames[k] }

// IsInteger reports whether k is one of the integer types.
func (k BasicKind) IsInteger() bool { return k <= ULongLong }

// Basic is a built-in type.
type Basic struct{ Kind BasicKind }

// IDL implements Type.
func (b *Basic) IDL() string { return b.Kind.String() }

// String is string or wstring, bounded when Bound > 0.
type String struct {
	Wide  bool
	Bound uint64
}

// IDL implements Type.
func (s *String) IDL() string {
	n := "string"
	if s.Wide {
		n = "wstring"
	}
	if s.Bound > 0 {
		return fmt.Sprintf("%s<%d>", n, s.Bound)
	}
	return n
}

// Sequence is sequence<Elem>, bounded when Bound > 0.
type Sequence struct {
	Elem  Type
	Bound uint64
}

// IDL implements Type.
func (s *Sequence) IDL() string {
	if s.Bound > 0 {
		return fmt.Sprintf("sequence<%s, %d>", s.Elem.IDL(), s.Bound)
	}
	return fmt.Sprintf("sequence<%s>", s.Elem.IDL())
}

// Array is Elem[Dims[0]][Dims[1]]...; it only arises from declarators.
type Array struct {
	Elem Type
	Dims []uint64
}

// IDL implements Type.
func (a *Array) IDL() string {
	var b strings.Builder
	b.WriteString(a.Elem.IDL())
	for _, d := range a.Dims {
		fmt.Fprintf(&b, "[%d]", d)
	}
	return b.String()
}

// Fixed is fixed<Digits,Scale>.
type Fixed struct{ Digits, Scale int }

// IDL implements Type.
func (f *Fixed) IDL() string { return fmt.Sprintf("fixed<%d,%d>", f.Digits, f.Scale) }

// Named is a reference to a declared type (typedef, struct, union, enum,
// interface, native, valuetype).
type Named struct {
	Pos  Pos
	Decl Decl
}

// IDL implements Type.
func (n *Named) IDL() string { return "::" + strings.Join(n.Decl.Info().Scoped(), "::") }

// Resolve follows typedefs to the underlying non-typedef type.
func Resolve(t Type) Type {
	for i := 0; i < 1000; i++ { // typedef chains are acyclic; the bound only guards against bugs
		n, ok := t.(*Named)
		if !ok {
			return t
		}
		td, ok := n.Decl.(*Typedef)
		if !ok {
			return t
		}
		t = td.Type
	}
	return t
}

// ValueKind says which field of a Value is set.
type ValueKind int

const (
	IntValue ValueKind = iota
	FloatValue
	BoolValue
	CharValue // Int holds the code point
	StringValue
	EnumValue
	FixedValue // Str holds the decimal literal
)

// Value is an evaluated constant.
type Value struct {
	Kind  ValueKind
	Int   *big.Int
	Float float64
	Bool  bool
	Str   string
	Enum  *Enumerator
}

func (v Value) String() string {
	switch v.Kind {
	case IntValue, CharValue:
		return v.Int.String()
	case FloatValue:
		return fmt.Sprint(v.Float)
	case BoolValue:
		return fmt.Sprint(v.Bool)
	case StringValue:
		return fmt.Sprintf("%q", v.Str)
	case EnumValue:
		return v.Enum.Name
	}
	return v.Str
}
