package gogen

import (
	"fmt"
	"strconv"
	"strings"

	"concord/idl/ast"
)

func (g *gen) constDecl(c *ast.Const) {
	name := g.goName(c)
	g.claim(name, c.Pos)
	what := "constant " + c.Name
	if u := unsupported(resolved(c.Type)); u != "" {
		fail(c.Pos, "%s: %s is not supported by the Go mapping", what, u)
	}
	g.p("// %s is the IDL constant %s.", name, strings.Join(c.Scoped(), "::"))
	typ := g.goType(c.Type, c.Pos, what)
	g.p("const %s %s = %s\n", name, typ, g.literal(c.Value))
}

// literal renders an evaluated IDL constant as a Go constant expression.
func (g *gen) literal(v ast.Value) string {
	switch v.Kind {
	case ast.IntValue, ast.CharValue:
		return v.Int.String()
	case ast.FloatValue:
		s := strconv.FormatFloat(v.Float, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case ast.BoolValue:
		return strconv.FormatBool(v.Bool)
	case ast.StringValue:
		return strconv.Quote(v.Str)
	case ast.EnumValue:
		return g.ref(v.Enum)
	}
	fail(ast.Pos{}, "fixed-point constants are not supported by the Go mapping")
	return ""
}

// typedef maps to a Go type alias, so values convert freely; bounds are
// checked by the marshalling code of every use.
func (g *gen) typedef(t *ast.Typedef) {
	name := g.goName(t)
	g.claim(name, t.Pos)
	typ := g.goType(t.Type, t.Pos, "typedef "+t.Name)
	g.p("// %s is the IDL typedef %s (%s).", name, strings.Join(t.Scoped(), "::"), t.Type.IDL())
	g.p("type %s = %s\n", name, typ)
}

func (g *gen) enum(e *ast.Enum) {
	name := g.goName(e)
	g.claim(name, e.Pos)
	g.p("// %s is the IDL enum %s.", name, strings.Join(e.Scoped(), "::"))
	g.p("type %s uint32\n", name)
	g.p("const (")
	for _, en := range e.Enumerators {
		g.claim(g.goName(en), en.Pos)
		g.p("%s %s = %d", g.goName(en), name, en.Value)
	}
	g.p(")\n")
	g.p("// %sRepositoryID is the repository id of %s.", name, name)
	g.claim(name+"RepositoryID", e.Pos)
	g.p("const %sRepositoryID = %q\n", name, e.RepoID)
	g.p("func (v %s) String() string {", name)
	g.p("switch v {")
	for _, en := range e.Enumerators {
		g.p("case %s: return %q", g.goName(en), en.Name)
	}
	g.p("}")
	g.p("return %q + %s.FormatUint(uint64(v), 10) + \")\"", name+"(", g.use("strconv"))
	g.p("}\n")
	g.p("// MarshalCDR writes v as an unsigned long.")
	g.p("func (v %s) MarshalCDR(e *%s.Encoder) { e.WriteULong(uint32(v)) }\n", name, g.use(cdrPkg))
	g.p("// UnmarshalCDR reads v, rejecting values outside the enum.")
	g.p("func (v *%s) UnmarshalCDR(d *%s.Decoder) error {", name, g.use(cdrPkg))
	g.p("x := d.ReadULong()")
	g.p("if d.Err() == nil && x >= %d { d.SetError(%s.MarshalError(\"%s: value %%d out of range\", x)) }", len(e.Enumerators), g.use(cdrPkg), name)
	g.p("*v = %s(x)", name)
	g.p("return d.Err()")
	g.p("}\n")
}

// fieldName is a member's Go field name.
func fieldName(n string) string { return exported(n) }

// members emits struct fields.
func (g *gen) fields(ms []*ast.Member, owner string) {
	seen := map[string]bool{}
	for _, m := range ms {
		f := fieldName(m.Name)
		if seen[f] {
			fail(m.Pos, "%s: members %s map to the same Go field %s", owner, m.Name, f)
		}
		seen[f] = true
		g.p("%s %s", f, g.goType(m.Type, m.Pos, fmt.Sprintf("member %s of %s", m.Name, owner)))
	}
}

func (g *gen) marshalMethods(name string, ms []*ast.Member) {
	cdr := g.use(cdrPkg)
	g.p("// MarshalCDR writes v's members in order.")
	g.p("func (v *%s) MarshalCDR(e *%s.Encoder) {", name, cdr)
	for _, m := range ms {
		g.marshal(m.Type, "v."+fieldName(m.Name), "e", 0)
	}
	g.p("}\n")
	g.p("// UnmarshalCDR reads v's members; errors stay in d.")
	g.p("func (v *%s) UnmarshalCDR(d *%s.Decoder) error {", name, cdr)
	for _, m := range ms {
		g.unmarshal(m.Type, "v."+fieldName(m.Name), "d", 0)
	}
	g.p("return d.Err()")
	g.p("}\n")
}

func (g *gen) structDecl(s *ast.Struct) {
	name := g.goName(s)
	g.claim(name, s.Pos)
	g.p("// %s is the IDL struct %s.", name, strings.Join(s.Scoped(), "::"))
	g.p("type %s struct {", name)
	g.fields(s.Members, "struct "+s.Name)
	g.p("}\n")
	g.claim(name+"RepositoryID", s.Pos)
	g.p("// %sRepositoryID is the repository id of %s.", name, name)
	g.p("const %sRepositoryID = %q\n", name, s.RepoID)
	g.marshalMethods(name, s.Members)
}

func (g *gen) exception(x *ast.Exception) {
	name := g.goName(x)
	g.claim(name, x.Pos)
	g.p("// %s is the IDL exception %s; *%s implements orb.UserException.", name, strings.Join(x.Scoped(), "::"), name)
	g.p("type %s struct {", name)
	g.fields(x.Members, "exception "+x.Name)
	g.p("}\n")
	g.claim(name+"RepositoryID", x.Pos)
	g.p("// %sRepositoryID is the repository id of %s.", name, name)
	g.p("const %sRepositoryID = %q\n", name, x.RepoID)
	g.p("func (v *%s) Error() string {", name)
	g.p("type plain %s // without the Error method, so %%+v does not recurse", name)
	g.p("return %s.Sprintf(\"%s: %%+v\", plain(*v))", g.use("fmt"), strings.Join(x.Scoped(), "::"))
	g.p("}\n")
	g.p("// RepositoryID identifies the exception on the wire.")
	g.p("func (v *%s) RepositoryID() string { return %sRepositoryID }\n", name, name)
	g.marshalMethods(name, x.Members)
}

func (g *gen) union(u *ast.Union) {
	name := g.goName(u)
	g.claim(name, u.Pos)
	owner := "union " + u.Name
	discType := g.goType(u.Disc, u.Pos, "discriminator of "+owner)
	g.p("// %s is the IDL union %s: Disc selects which field is valid.", name, strings.Join(u.Scoped(), "::"))
	g.p("type %s struct {", name)
	g.p("Disc %s", discType)
	seen := map[string]bool{"Disc": true}
	for _, c := range u.Cases {
		f := fieldName(c.Name)
		if seen[f] {
			fail(c.Pos, "%s: member %s maps to the Go field %s, which is already used", owner, c.Name, f)
		}
		seen[f] = true
		g.p("%s %s // %s", f, g.goType(c.Type, c.Pos, fmt.Sprintf("member %s of %s", c.Name, owner)), g.caseComment(c))
	}
	g.p("}\n")
	g.claim(name+"RepositoryID", u.Pos)
	g.p("// %sRepositoryID is the repository id of %s.", name, name)
	g.p("const %sRepositoryID = %q\n", name, u.RepoID)
	cdr := g.use(cdrPkg)
	g.p("// MarshalCDR writes the discriminator and the selected member.")
	g.p("func (v *%s) MarshalCDR(e *%s.Encoder) {", name, cdr)
	g.marshal(u.Disc, "v.Disc", "e", 0)
	g.unionSwitch(u, func(c *ast.Case) { g.marshal(c.Type, "v."+fieldName(c.Name), "e", 0) })
	g.p("}\n")
	g.p("// UnmarshalCDR reads the discriminator and the member it selects.")
	g.p("func (v *%s) UnmarshalCDR(d *%s.Decoder) error {", name, cdr)
	g.unmarshal(u.Disc, "v.Disc", "d", 0)
	g.p("if d.Err() != nil { return d.Err() }")
	g.unionSwitch(u, func(c *ast.Case) { g.unmarshal(c.Type, "v."+fieldName(c.Name), "d", 0) })
	g.p("return d.Err()")
	g.p("}\n")
}

func (g *gen) caseComment(c *ast.Case) string {
	var ls []string
	for _, l := range c.Labels {
		ls = append(ls, "case "+l.String())
	}
	if c.Default {
		ls = append(ls, "default")
	}
	return strings.Join(ls, ", ")
}

// unionSwitch emits a switch on v.Disc calling body for the selected case.
// A discriminator no label matches selects no member (legal in IDL when
// the labels do not cover every value).
func (g *gen) unionSwitch(u *ast.Union, body func(*ast.Case)) {
	g.p("switch v.Disc {")
	var def *ast.Case
	for _, c := range u.Cases {
		if c.Default {
			def = c
		}
		if len(c.Labels) == 0 {
			continue
		}
		var ls []string
		for _, l := range c.Labels {
			ls = append(ls, g.literal(l))
		}
		g.p("case %s:", strings.Join(ls, ", "))
		body(c)
	}
	if def != nil {
		g.p("default:")
		body(def)
	}
	g.p("}")
}
