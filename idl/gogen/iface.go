package gogen

import (
	"bytes"
	"fmt"
	"strings"

	"concord/idl/ast"
)

// method is one Go method of an interface: an operation or an attribute
// accessor, with its wire name.
type method struct {
	goName string
	wire   string
	owner  *ast.Interface
	oneway bool
	result ast.Type // nil: none
	params []*ast.Param
	raises []*ast.Exception
	pos    ast.Pos
}

// methods lists the operations and attribute accessors declared in it.
func methods(it *ast.Interface) []method {
	var ms []method
	for _, d := range it.Body {
		switch x := d.(type) {
		case *ast.Operation:
			ms = append(ms, method{goName: exported(x.Name), wire: x.Name, owner: it, oneway: x.Oneway,
				result: x.Result, params: x.Params, raises: x.Raises, pos: x.Pos})
		case *ast.Attribute:
			ms = append(ms, method{goName: exported(x.Name), wire: "_get_" + x.Name, owner: it,
				result: x.Type, raises: x.GetRaises, pos: x.Pos})
			if !x.Readonly {
				ms = append(ms, method{goName: "Set" + exported(x.Name), wire: "_set_" + x.Name, owner: it,
					params: []*ast.Param{{Pos: x.Pos, Name: "value", Dir: ast.In, Type: x.Type}}, raises: x.SetRaises, pos: x.Pos})
			}
		}
	}
	return ms
}

// ancestry lists it and every base, most-derived first, each once.
func ancestry(it *ast.Interface) []*ast.Interface {
	var out []*ast.Interface
	seen := map[*ast.Interface]bool{}
	var walk func(*ast.Interface)
	walk = func(i *ast.Interface) {
		if seen[i] {
			return
		}
		seen[i] = true
		out = append(out, i)
		for _, b := range i.Bases {
			walk(b)
		}
	}
	walk(it)
	return out
}

// allMethods is every method of it including inherited ones, checked for
// Go name clashes.
func allMethods(it *ast.Interface) []method {
	var out []method
	byName := map[string]method{}
	for _, i := range ancestry(it) {
		for _, m := range methods(i) {
			if old, ok := byName[m.goName]; ok {
				fail(m.pos, "interface %s: %s and %s both map to the Go method %s", it.Name, m.wire, old.wire, m.goName)
			}
			byName[m.goName] = m
			out = append(out, m)
		}
	}
	return out
}

var reservedParams = map[string]bool{"ctx": true, "context": true, "cdr": true, "orb": true, "ior": true,
	"fmt": true, "errors": true, "utf8": true, "strconv": true, "s": true}

// paramName is a parameter's Go name, steering clear of Go keywords and
// the names generated code uses.
func paramName(n string) string {
	if goKeywords[n] || reservedParams[n] {
		return n + "_"
	}
	return n
}

// signature renders "(ctx context.Context, a int32) (int32, error)".
func (g *gen) signature(m method) string {
	what := fmt.Sprintf("operation %s of interface %s", m.wire, m.owner.Name)
	args := []string{"ctx " + g.use("context") + ".Context"}
	var results []string
	if m.result != nil {
		results = append(results, g.goType(m.result, m.pos, "result of "+what))
	}
	for _, p := range m.params {
		t := g.goType(p.Type, p.Pos, fmt.Sprintf("parameter %s of %s", p.Name, what))
		if p.Dir != ast.Out {
			args = append(args, paramName(p.Name)+" "+t)
		}
		if p.Dir != ast.In {
			results = append(results, t)
		}
	}
	results = append(results, "error")
	res := strings.Join(results, ", ")
	if len(results) > 1 {
		res = "(" + res + ")"
	}
	return "(" + strings.Join(args, ", ") + ") " + res
}

func (g *gen) iface(it *ast.Interface) {
	name := g.goName(it)
	if it.Local || it.Abstract {
		kind := "local"
		if it.Abstract {
			kind = "abstract"
		}
		fail(it.Pos, "%s interface %s is not supported by the Go mapping", kind, it.Name)
	}
	// Nested types and constants first.
	for _, d := range it.Body {
		switch d.(type) {
		case *ast.Operation, *ast.Attribute:
		default:
			g.decl(d)
		}
	}
	all := allMethods(it)
	for _, n := range []string{name, name + "Stub", "New" + name + "Stub", "New" + name + "Servant", name + "RepositoryID"} {
		g.claim(n, it.Pos)
	}
	g.p("// %sRepositoryID is the repository id of interface %s.", name, strings.Join(it.Scoped(), "::"))
	g.p("const %sRepositoryID = %q\n", name, it.RepoID)

	// The Go interface servants implement (and the stub satisfies).
	g.p("// %s is the IDL interface %s. Servants implement it; %sStub calls a remote one.", name, strings.Join(it.Scoped(), "::"), name)
	g.p("type %s interface {", name)
	for _, b := range it.Bases {
		g.p("%s", g.ref(b))
	}
	for _, m := range methods(it) {
		g.p("%s%s", m.goName, g.signature(m))
	}
	g.p("}\n")
	g.stub(it, name, all)
	g.servant(it, name, all)
}

func (g *gen) stub(it *ast.Interface, name string, all []method) {
	orb := g.use(orbPkg)
	g.p("// %sStub calls %s on a remote object.", name, name)
	g.p("type %sStub struct{ Ref *%s.ObjectRef }\n", name, orb)
	g.p("// New%sStub returns a stub calling ref.", name)
	g.p("func New%sStub(ref *%s.ObjectRef) *%sStub { return &%sStub{Ref: ref} }\n", name, orb, name, name)
	g.p("var _ %s = (*%sStub)(nil)\n", name, name)
	cdr := g.use(cdrPkg)
	for _, m := range all {
		what := fmt.Sprintf("operation %s of interface %s", m.wire, m.owner.Name)
		// Named results: _r for the return value, _o<i> for out/inout.
		var resNames, resDecl []string
		if m.result != nil {
			resNames = append(resNames, "_r")
			resDecl = append(resDecl, "_r "+g.goType(m.result, m.pos, what))
		}
		for i, p := range m.params {
			if p.Dir != ast.In {
				n := fmt.Sprintf("_o%d", i)
				resNames = append(resNames, n)
				resDecl = append(resDecl, n+" "+g.goType(p.Type, p.Pos, what))
			}
		}
		resDecl = append(resDecl, "_err error")
		var args []string
		args = append(args, "ctx "+g.use("context")+".Context")
		for _, p := range m.params {
			if p.Dir != ast.Out {
				args = append(args, paramName(p.Name)+" "+g.goType(p.Type, p.Pos, what))
			}
		}
		g.p("// %s invokes %s.", m.goName, m.wire)
		g.p("func (s *%sStub) %s(%s) (%s) {", name, m.goName, strings.Join(args, ", "), strings.Join(resDecl, ", "))
		argFn := "nil"
		if hasDir(m.params, ast.In, ast.InOut) {
			argFn = "func(_e *" + cdr + ".Encoder) {\n"
			var sb strings.Builder
			g.capture(&sb, func() {
				for _, p := range m.params {
					if p.Dir != ast.Out {
						g.marshal(p.Type, paramName(p.Name), "_e", 0)
					}
				}
			})
			argFn += sb.String() + "}"
		}
		if m.oneway {
			g.p("return s.Ref.InvokeOneway(ctx, %q, %s)", m.wire, argFn)
			g.p("}\n")
			continue
		}
		resFn := "nil"
		if len(resNames) > 0 {
			var sb strings.Builder
			g.capture(&sb, func() {
				if m.result != nil {
					g.unmarshal(m.result, "_r", "_d", 0)
				}
				for i, p := range m.params {
					if p.Dir != ast.In {
						g.unmarshal(p.Type, fmt.Sprintf("_o%d", i), "_d", 0)
					}
				}
			})
			resFn = "func(_d *" + cdr + ".Decoder) error {\n" + sb.String() + "return _d.Err()\n}"
		}
		g.p("_err = s.Ref.Invoke(ctx, %q, %s, %s)", m.wire, argFn, resFn)
		if len(m.raises) > 0 {
			g.p("var _ue *%s.UserExceptionReply", orb)
			g.p("if %s.As(_err, &_ue) {", g.use("errors"))
			g.p("switch _ue.RepoID {")
			for _, ex := range m.raises {
				g.p("case %q:", ex.RepoID)
				g.p("_x := new(%s)", g.ref(ex))
				g.p("if err := _x.UnmarshalCDR(_ue.Body); err != nil { _err = err } else { _err = _x }")
			}
			g.p("}")
			g.p("}")
		}
		g.p("return")
		g.p("}\n")
	}
}

// capture runs f with g's output redirected to sb.
func (g *gen) capture(sb *strings.Builder, f func()) {
	saved := g.b
	g.b = new(bytes.Buffer)
	f()
	sb.Write(g.b.Bytes())
	g.b = saved
}

func hasDir(ps []*ast.Param, dirs ...ast.Direction) bool {
	for _, p := range ps {
		for _, d := range dirs {
			if p.Dir == d {
				return true
			}
		}
	}
	return false
}

func (g *gen) servant(it *ast.Interface, name string, all []method) {
	orb := g.use(orbPkg)
	cdr := g.use(cdrPkg)
	impl := "servant" + name
	g.claim(impl, it.Pos)
	g.p("type %s struct{ impl %s }\n", impl, name)
	g.p("// New%sServant adapts impl to the ORB: Dispatch unmarshals the", name)
	g.p("// arguments, calls impl and marshals the results or user exception.")
	g.p("func New%sServant(impl %s) %s.Servant { return &%s{impl: impl} }\n", name, name, orb, impl)
	var ids []string
	for _, a := range ancestry(it) {
		ids = append(ids, fmt.Sprintf("%q", a.RepoID))
	}
	g.p("// RepositoryIDs lists %s and every base, most-derived first.", name)
	g.p("func (s *%s) RepositoryIDs() []string { return []string{%s} }\n", impl, strings.Join(ids, ", "))
	g.p("// Dispatch runs operation op.")
	g.p("func (s *%s) Dispatch(ctx %s.Context, op string, _in *%s.Decoder, _out *%s.Encoder) error {", impl, g.use("context"), cdr, cdr)
	g.p("switch op {")
	for _, m := range all {
		g.p("case %q:", m.wire)
		var callArgs, rets []string
		callArgs = append(callArgs, "ctx")
		if m.result != nil {
			rets = append(rets, "_r")
		}
		for i, p := range m.params {
			v := fmt.Sprintf("_a%d", i)
			g.p("var %s %s", v, g.goType(p.Type, p.Pos, "parameter "+p.Name))
			if p.Dir != ast.Out {
				g.unmarshal(p.Type, v, "_in", 0)
				callArgs = append(callArgs, v)
			}
			if p.Dir != ast.In {
				rets = append(rets, v)
			}
		}
		g.p("if err := _in.Err(); err != nil { return err }")
		rets = append(rets, "err")
		g.p("%s := s.impl.%s(%s)", strings.Join(rets, ", "), m.goName, strings.Join(callArgs, ", "))
		g.p("if err != nil { return err }")
		if m.result != nil {
			g.marshal(m.result, "_r", "_out", 0)
		}
		for i, p := range m.params {
			if p.Dir != ast.In {
				g.marshal(p.Type, fmt.Sprintf("_a%d", i), "_out", 0)
			}
		}
		g.p("return _out.Err()")
	}
	g.p("}")
	g.p("return %s.BadOperation(op)", orb)
	g.p("}\n")
}
