// Package ast is the resolved syntax tree of an OMG IDL specification, as
// produced by concord/idl/parse and consumed by the code generators. Every
// name reference is already resolved to its declaration and every constant
// already evaluated, so generators never look names up.
package ast

import "fmt"

// Pos is a source position; Col counts bytes from 1.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Decl is a named declaration: module, interface, operation, type, constant...
type Decl interface {
	// Info returns the fields every declaration shares.
	Info() *DeclInfo
}

// DeclInfo holds what every declaration has: name, scope and repository id.
type DeclInfo struct {
	Pos Pos
	// Name is the identifier with a leading escape underscore removed.
	Name string
	// Scope is the scoped name of the enclosing scopes, outermost first.
	Scope []string
	// RepoID is the repository id, e.g. "IDL:omg.org/CosNaming/Name:1.0";
	// empty for declarations that have none (operations, members).
	RepoID string
}

// Info implements Decl.
func (d *DeclInfo) Info() *DeclInfo { return d }

// Scoped returns the full scoped name, outermost first.
func (d *DeclInfo) Scoped() []string {
	s := make([]string, 0, len(d.Scope)+1)
	return append(append(s, d.Scope...), d.Name)
}

// Spec is a whole translation unit: the main file and everything it includes.
type Spec struct {
	// Defs are the top-level declarations in source order; each opening of
	// a module is its own Module node holding that opening's definitions.
	Defs []Decl
	// MainFile is the file given to the parser.
	MainFile string
}

// Module is one opening of a module.
type Module struct {
	DeclInfo
	Defs []Decl
}

// Interface is an interface definition or a forward declaration not yet defined.
type Interface struct {
	DeclInfo
	Abstract bool
	Local    bool
	// Defined is false for a forward declaration that has no definition (yet).
	Defined bool
	Bases   []*Interface
	Body    []Decl
}

// Direction of a parameter.
type Direction int

const (
	In Direction = iota
	Out
	InOut
)

func (d Direction) String() string { return [...]string{"in", "out", "inout"}[d] }

// Operation is an interface operation.
type Operation struct {
	DeclInfo
	Oneway   bool
	Result   Type // nil for void
	Params   []*Param
	Raises   []*Exception
	Contexts []string
}

// Param is an operation parameter.
type Param struct {
	Pos  Pos
	Name string
	Dir  Direction
	Type Type
}

// Attribute is an interface attribute (one per declarator).
type Attribute struct {
	DeclInfo
	Readonly  bool
	Type      Type
	GetRaises []*Exception
	SetRaises []*Exception
}

// Const is a constant with its evaluated value.
type Const struct {
	DeclInfo
	Type  Type
	Value Value
}

// Typedef is one declarator of a typedef: "typedef long A, B[3];" gives two.
type Typedef struct {
	DeclInfo
	Type Type
}

// Member is a struct or exception member.
type Member struct {
	Pos  Pos
	Name string
	Type Type
}

// Struct is a struct type.
type Struct struct {
	DeclInfo
	Members []*Member
	// Nested are types declared inside (struct B in "struct A { struct B {...} b; }").
	Nested []Decl
	// Defined is false for a forward declaration not (yet) completed.
	Defined bool
}

// Exception is a user exception.
type Exception struct {
	DeclInfo
	Members []*Member
	Nested  []Decl
}

// Enum is an enumeration.
type Enum struct {
	DeclInfo
	Enumerators []*Enumerator
}

// Enumerator is one value of an enum; it is declared in the enum's enclosing scope.
type Enumerator struct {
	DeclInfo
	Enum  *Enum
	Value uint32
}

// Union is a discriminated union.
type Union struct {
	DeclInfo
	Disc    Type // integer, char, wchar, boolean or enum (possibly through typedefs)
	Cases   []*Case
	Nested  []Decl
	Defined bool
}

// Case is one branch of a union.
type Case struct {
	Pos     Pos
	Labels  []Value // evaluated labels, converted to the discriminator type
	Default bool    // the branch also carries the "default" label
	Name    string
	Type    Type
}

// Native is a native type declaration (only usable by other ORBs' mappings).
type Native struct{ DeclInfo }

// ValueType is a valuetype, abstract valuetype, value box or eventtype. The
// parser records them so repository ids and errors are right; no generator
// supports them.
type ValueType struct {
	DeclInfo
	Kind    string // "valuetype", "abstract valuetype", "custom valuetype", "valuetype box", "valuetype forward"
	Boxed   Type   // for value boxes
	Body    []Decl
	Defined bool
}

// StateMember is a public or private member of a valuetype.
type StateMember struct {
	DeclInfo
	Public bool
	Type   Type
}

// Initializer is a valuetype factory.
type Initializer struct {
	DeclInfo
	Params []*Param
	Raises []*Exception
}
