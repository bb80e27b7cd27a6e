package gogen

import (
	"fmt"
	"strings"

	"concord/idl/ast"
)

const (
	cdrPkg = "concord/giop/cdr"
	orbPkg = "concord/giop/orb"
	iorPkg = "concord/giop/ior"
)

var basicGo = map[ast.BasicKind]string{
	ast.Short: "int16", ast.UShort: "uint16", ast.Long: "int32", ast.ULong: "uint32",
	ast.LongLong: "int64", ast.ULongLong: "uint64", ast.Float: "float32", ast.Double: "float64",
	ast.Boolean: "bool", ast.Char: "byte", ast.WChar: "rune", ast.Octet: "uint8",
}

// basicRW is the cdr Encoder/Decoder method suffix of each basic type.
var basicRW = map[ast.BasicKind]string{
	ast.Short: "Short", ast.UShort: "UShort", ast.Long: "Long", ast.ULong: "ULong",
	ast.LongLong: "LongLong", ast.ULongLong: "ULongLong", ast.Float: "Float", ast.Double: "Double",
	ast.Boolean: "Boolean", ast.Char: "Char", ast.WChar: "WChar", ast.Octet: "Octet",
}

// unsupported names the IDL construct behind t when the Go mapping lacks it.
func unsupported(t ast.Type) string {
	switch x := t.(type) {
	case *ast.Basic:
		switch x.Kind {
		case ast.Any, ast.TypeCode, ast.ValueBase, ast.Principal, ast.LongDouble:
			return x.Kind.String()
		}
	case *ast.Fixed:
		return "fixed"
	case *ast.Named:
		switch d := x.Decl.(type) {
		case *ast.Native:
			return "native type " + d.Name
		case *ast.ValueType:
			return d.Kind + " " + d.Name
		case *ast.Interface:
			if d.Local {
				return "local interface " + d.Name
			}
			if d.Abstract {
				return "abstract interface " + d.Name
			}
		}
	}
	return ""
}

// goType maps an IDL type to Go; pos and what place errors.
func (g *gen) goType(t ast.Type, pos ast.Pos, what string) string {
	if u := unsupported(t); u != "" {
		fail(pos, "%s: %s is not supported by the Go mapping", what, u)
	}
	switch x := t.(type) {
	case *ast.Basic:
		if x.Kind == ast.Object {
			return "*" + g.use(iorPkg) + ".IOR"
		}
		return basicGo[x.Kind]
	case *ast.String:
		return "string"
	case *ast.Sequence:
		return "[]" + g.goType(x.Elem, pos, what)
	case *ast.Array:
		var b strings.Builder
		for _, d := range x.Dims {
			fmt.Fprintf(&b, "[%d]", d)
		}
		return b.String() + g.goType(x.Elem, pos, what)
	case *ast.Named:
		switch d := x.Decl.(type) {
		case *ast.Interface:
			return "*" + g.use(iorPkg) + ".IOR"
		case *ast.Typedef:
			g.checkSupported(d.Type, pos, what)
			return g.ref(d)
		}
		return g.ref(x.Decl)
	}
	fail(pos, "%s: type %s is not supported by the Go mapping", what, t.IDL())
	return ""
}

// checkSupported walks a type, refusing unsupported constructs inside it.
func (g *gen) checkSupported(t ast.Type, pos ast.Pos, what string) {
	if u := unsupported(t); u != "" {
		fail(pos, "%s: %s is not supported by the Go mapping", what, u)
	}
	switch x := t.(type) {
	case *ast.Sequence:
		g.checkSupported(x.Elem, pos, what)
	case *ast.Array:
		g.checkSupported(x.Elem, pos, what)
	case *ast.Named:
		if td, ok := x.Decl.(*ast.Typedef); ok {
			g.checkSupported(td.Type, pos, what)
		}
	}
}

// resolved follows typedefs.
func resolved(t ast.Type) ast.Type { return ast.Resolve(t) }

// marshal emits statements writing expr (addressable) of type t to encoder e.
func (g *gen) marshal(t ast.Type, expr, e string, depth int) {
	switch x := resolved(t).(type) {
	case *ast.Basic:
		if x.Kind == ast.Object {
			g.p("if %s == nil { (&%s.IOR{}).Marshal(%s) } else { %s.Marshal(%s) }", expr, g.use(iorPkg), e, expr, e)
			return
		}
		g.p("%s.Write%s(%s)", e, basicRW[x.Kind], expr)
	case *ast.String:
		w := "String"
		if x.Wide {
			w = "WString"
		}
		if x.Bound > 0 {
			g.p("if n := %s.RuneCountInString(%s); n > %d { %s.SetError(%s.BadParamError(\"%s of length %%d exceeds its bound %d\", n)) }",
				g.use("unicode/utf8"), expr, x.Bound, e, g.use(cdrPkg), x.IDL(), x.Bound)
		}
		g.p("%s.Write%s(%s)", e, w, expr)
	case *ast.Sequence:
		if x.Bound > 0 {
			g.p("if len(%s) > %d { %s.SetError(%s.BadParamError(\"%s of length %%d exceeds its bound %d\", len(%s))) }",
				expr, x.Bound, e, g.use(cdrPkg), x.IDL(), x.Bound, expr)
		}
		if b, ok := resolved(x.Elem).(*ast.Basic); ok && b.Kind == ast.Octet {
			g.p("%s.WriteOctetSeq(%s)", e, expr)
			return
		}
		i := fmt.Sprintf("i%d", depth)
		g.p("%s.WriteULong(uint32(len(%s)))", e, expr)
		g.p("for %s := range %s {", i, expr)
		g.marshal(x.Elem, fmt.Sprintf("%s[%s]", expr, i), e, depth+1)
		g.p("}")
	case *ast.Array:
		g.marshalArray(x.Elem, x.Dims, expr, e, depth)
	case *ast.Named:
		switch d := x.Decl.(type) {
		case *ast.Enum:
			g.p("%s.WriteULong(uint32(%s))", e, expr)
		case *ast.Interface:
			g.marshal(&ast.Basic{Kind: ast.Object}, expr, e, depth)
		default:
			_ = d
			g.p("%s.MarshalCDR(%s)", expr, e)
		}
	default:
		fail(ast.Pos{}, "internal error: cannot marshal %s", t.IDL())
	}
}

func (g *gen) marshalArray(elem ast.Type, dims []uint64, expr, e string, depth int) {
	if len(dims) == 0 {
		g.marshal(elem, expr, e, depth)
		return
	}
	i := fmt.Sprintf("i%d", depth)
	g.p("for %s := range %s {", i, expr)
	g.marshalArray(elem, dims[1:], fmt.Sprintf("%s[%s]", expr, i), e, depth+1)
	g.p("}")
}

// unmarshal emits statements reading a value of type t from decoder d into
// the addressable target.
func (g *gen) unmarshal(t ast.Type, target, d string, depth int) {
	switch x := resolved(t).(type) {
	case *ast.Basic:
		if x.Kind == ast.Object {
			g.p("if r, err := %s.Unmarshal(%s); err != nil { %s.SetError(err) } else if !r.IsNil() { %s = r } else { %s = nil }",
				g.use(iorPkg), d, d, target, target)
			return
		}
		g.p("%s = %s.Read%s()", target, d, basicRW[x.Kind])
	case *ast.String:
		w := "String"
		if x.Wide {
			w = "WString"
		}
		g.p("%s = %s.Read%s()", target, d, w)
		if x.Bound > 0 {
			g.p("if n := %s.RuneCountInString(%s); n > %d { %s.SetError(%s.MarshalError(\"%s of length %%d exceeds its bound %d\", n)) }",
				g.use("unicode/utf8"), target, x.Bound, d, g.use(cdrPkg), x.IDL(), x.Bound)
		}
	case *ast.Sequence:
		if b, ok := resolved(x.Elem).(*ast.Basic); ok && b.Kind == ast.Octet {
			// Copy: the decoder's bytes belong to the message buffer.
			g.p("%s = append([]byte(nil), %s.ReadOctetSeq()...)", target, d)
		} else {
			n := fmt.Sprintf("n%d", depth)
			i := fmt.Sprintf("i%d", depth)
			g.p("{") // a block, so sibling sequences can reuse n and i
			g.p("%s := %s.ReadSeqLen(%d)", n, d, minSize(x.Elem, map[ast.Decl]bool{}))
			if x.Bound > 0 {
				g.p("if %s > %d { %s.SetError(%s.MarshalError(\"%s of length %%d exceeds its bound %d\", %s)); %s = 0 }",
					n, x.Bound, d, g.use(cdrPkg), x.IDL(), x.Bound, n, n)
			}
			g.p("%s = make(%s, %s)", target, g.goType(x, ast.Pos{}, "sequence"), n)
			g.p("for %s := 0; %s < %s && %s.Err() == nil; %s++ {", i, i, n, d, i)
			g.unmarshal(x.Elem, fmt.Sprintf("%s[%s]", target, i), d, depth+1)
			g.p("}")
			g.p("}")
			return
		}
		if x.Bound > 0 {
			g.p("if len(%s) > %d { %s.SetError(%s.MarshalError(\"%s of length %%d exceeds its bound %d\", len(%s))) }",
				target, x.Bound, d, g.use(cdrPkg), x.IDL(), x.Bound, target)
		}
	case *ast.Array:
		g.unmarshalArray(x.Elem, x.Dims, target, d, depth)
	case *ast.Named:
		switch x.Decl.(type) {
		case *ast.Interface:
			g.unmarshal(&ast.Basic{Kind: ast.Object}, target, d, depth)
		default:
			g.p("%s.UnmarshalCDR(%s)", target, d)
		}
	default:
		fail(ast.Pos{}, "internal error: cannot unmarshal %s", t.IDL())
	}
}

func (g *gen) unmarshalArray(elem ast.Type, dims []uint64, target, d string, depth int) {
	if len(dims) == 0 {
		g.unmarshal(elem, target, d, depth)
		return
	}
	i := fmt.Sprintf("i%d", depth)
	g.p("for %s := range %s {", i, target)
	g.unmarshalArray(elem, dims[1:], fmt.Sprintf("%s[%s]", target, i), d, depth+1)
	g.p("}")
}

// minSize is a lower bound of the encoded size of t, used to reject forged
// sequence lengths before allocating.
func minSize(t ast.Type, seen map[ast.Decl]bool) int {
	switch x := resolved(t).(type) {
	case *ast.Basic:
		switch x.Kind {
		case ast.Short, ast.UShort, ast.WChar:
			return 2
		case ast.Long, ast.ULong, ast.Float:
			return 4
		case ast.LongLong, ast.ULongLong, ast.Double:
			return 8
		case ast.Object:
			return 8 // empty type id (length + NUL) and a profile count
		}
		return 1
	case *ast.String:
		return 4
	case *ast.Sequence:
		return 4
	case *ast.Array:
		n := minSize(x.Elem, seen)
		for _, d := range x.Dims {
			n *= int(min(d, 1<<20))
		}
		return min(n, 1<<20)
	case *ast.Named:
		if seen[x.Decl] {
			return 1
		}
		seen[x.Decl] = true
		defer delete(seen, x.Decl)
		switch d := x.Decl.(type) {
		case *ast.Enum:
			return 4
		case *ast.Interface:
			return 8
		case *ast.Struct:
			n := 0
			for _, m := range d.Members {
				n += minSize(m.Type, seen)
			}
			return max(n, 1)
		case *ast.Union:
			return minSize(d.Disc, seen)
		}
	}
	return 1
}
