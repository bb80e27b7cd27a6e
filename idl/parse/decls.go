package parse

import (
	"strings"

	"concord/idl/ast"
)

// definitions parses definitions up to closer ("}" or "" for end of file).
func (p *parser) definitions(closer string) []ast.Decl {
	var defs []ast.Decl
	for {
		t := p.peek()
		if t.kind == tEOF {
			if closer != "" {
				p.fail(t.pos, "expected '%s', got end of file", closer)
			}
			return defs
		}
		if closer != "" && p.is(closer) {
			return defs
		}
		defs = append(defs, p.definition()...)
	}
}

// definition parses one definition with its ';' and returns the new
// declarations (inline constructed types first).
func (p *parser) definition() []ast.Decl {
	t := p.peek()
	if t.kind != tIdent {
		p.fail(t.pos, "expected a definition, got %s", t.describe())
	}
	var out []ast.Decl
	switch t.text {
	case "module":
		if m := p.module(); m != nil {
			out = append(out, m)
		}
	case "interface", "local":
		out = append(out, p.interfaceDcl()...)
	case "abstract":
		p.next()
		if p.is("valuetype") || p.is("eventtype") {
			out = append(out, p.valueType("abstract "+p.peek().text, t.pos)...)
		} else {
			out = append(out, p.interfaceDclAbstract(t.pos)...)
		}
	case "valuetype", "eventtype":
		out = append(out, p.valueType(t.text, t.pos)...)
	case "custom":
		p.next()
		if !p.is("valuetype") && !p.is("eventtype") {
			p.fail(p.peek().pos, "expected 'valuetype' after 'custom', got %s", p.peek().describe())
		}
		out = append(out, p.valueType("custom "+p.peek().text, t.pos)...)
	case "typeid", "typeprefix":
		p.typeIDDcl()
	case "import", "component", "home", "porttype", "connector":
		p.fail(t.pos, "%s declarations (CORBA Component Model) are not supported", t.text)
	default:
		if d := p.export(); d != nil {
			return d
		}
		p.fail(t.pos, "expected a definition, got %s", t.describe())
	}
	p.expect(";")
	return out
}

// export parses the definitions allowed in modules and interfaces alike
// (types, constants, exceptions), with their ';'. It returns nil, consuming
// nothing, if the next token starts none of them.
func (p *parser) export() []ast.Decl {
	t := p.peek()
	var d []ast.Decl
	switch t.text {
	case "typedef", "struct", "union", "enum", "native":
		d = p.typeDcl()
	case "const":
		d = append(p.takeInline(), p.constDcl())
	case "exception":
		d = []ast.Decl{p.exceptionDcl()}
	default:
		return nil
	}
	p.expect(";")
	return d
}

func (p *parser) takeInline() []ast.Decl {
	d := p.inline
	p.inline = nil
	return d
}

func (p *parser) module() ast.Decl {
	p.expect("module")
	name, pos := p.ident("a module name")
	// Every opening is its own node with its own repository id (a #pragma
	// version inside one opening does not change the others, as in omniidl);
	// all openings share one scope.
	m := &ast.Module{DeclInfo: p.info(name, pos, true)}
	if old, ok := p.scope.names[strings.ToLower(name)]; ok {
		om, isMod := old.(*ast.Module)
		if !isMod || om.Name != name {
			p.declare(name, pos, nil) // reports the clash
		}
		s := p.scopes[om]
		p.scopes[m] = s
		s.decl = m
		p.scope.names[strings.ToLower(name)] = m
	} else {
		p.declare(name, pos, m)
	}
	p.expect("{")
	p.openScope(m)
	m.Defs = p.definitions("}")
	p.expect("}")
	p.closeScope()
	return m
}

func (p *parser) interfaceDclAbstract(pos ast.Pos) []ast.Decl {
	return p.interfaceRest(pos, true, false)
}

func (p *parser) interfaceDcl() []ast.Decl {
	pos := p.peek().pos
	local := p.accept("local")
	return p.interfaceRest(pos, false, local)
}

// interfaceRest parses "interface Name ..." after abstract/local.
func (p *parser) interfaceRest(_ ast.Pos, abstract, local bool) []ast.Decl {
	p.expect("interface")
	name, pos := p.ident("an interface name")
	var it *ast.Interface
	fresh := false
	if old, ok := p.scope.names[strings.ToLower(name)]; ok {
		oi, isIf := old.(*ast.Interface)
		if !isIf || oi.Name != name {
			p.declare(name, pos, nil)
		}
		if oi.Defined && !p.is(";") {
			p.fail(pos, "interface %s is already defined at %s", name, oi.Pos)
		}
		it = oi
	} else {
		it = &ast.Interface{DeclInfo: p.info(name, pos, true), Abstract: abstract, Local: local}
		p.declare(name, pos, it)
		fresh = true
	}
	if p.is(";") { // forward declaration
		if fresh {
			return []ast.Decl{it}
		}
		return nil
	}
	// The definition's id uses the prefix in force here, as omniidl's does.
	it.Pos, it.Abstract, it.Local = pos, abstract, local
	it.RepoID = p.repoID(append(p.scope.path(), name))
	if p.accept(":") {
		for {
			d, bpos := p.resolve()
			d = p.unalias(d)
			b, ok := d.(*ast.Interface)
			if !ok {
				p.fail(bpos, "%s is a %s, not an interface, so it cannot be inherited", d.Info().Name, kindName(d))
			}
			if !b.Defined {
				p.fail(bpos, "interface %s inherits from %s, which is only forward-declared", name, b.Name)
			}
			if b == it {
				p.fail(bpos, "interface %s cannot inherit from itself", name)
			}
			for _, x := range it.Bases {
				if x == b {
					p.fail(bpos, "interface %s inherits from %s twice", name, b.Name)
				}
			}
			it.Bases = append(it.Bases, b)
			if !p.accept(",") {
				break
			}
		}
	}
	p.expect("{")
	it.Defined = true
	p.openScope(it)
	p.checkInheritedClashes(it)
	for !p.is("}") {
		if p.peek().kind == tEOF {
			p.fail(p.peek().pos, "expected '}' to close interface %s, got end of file", name)
		}
		it.Body = append(it.Body, p.interfaceExport()...)
	}
	p.expect("}")
	p.closeScope()
	// A forward-declared interface appears again here, after the types it
	// uses; dedupe keeps this last occurrence.
	return []ast.Decl{it}
}

// unalias follows typedefs of interface types (typedef Object Foo; is common).
func (p *parser) unalias(d ast.Decl) ast.Decl {
	for i := 0; i < 100; i++ {
		td, ok := d.(*ast.Typedef)
		if !ok {
			return d
		}
		n, ok := td.Type.(*ast.Named)
		if !ok {
			return d
		}
		d = n.Decl
	}
	return d
}

// checkInheritedClashes rejects two bases that bring different operations
// or attributes of the same name.
func (p *parser) checkInheritedClashes(it *ast.Interface) {
	seen := map[string]*ast.Interface{}
	var walk func(b *ast.Interface)
	visited := map[*ast.Interface]bool{}
	walk = func(b *ast.Interface) {
		if visited[b] {
			return
		}
		visited[b] = true
		for _, d := range b.Body {
			switch d.(type) {
			case *ast.Operation, *ast.Attribute:
				n := strings.ToLower(d.Info().Name)
				if o, ok := seen[n]; ok && o != b {
					p.fail(it.Pos, "interface %s inherits %s from both %s and %s", it.Name, d.Info().Name, o.Name, b.Name)
				}
				seen[n] = b
			}
		}
		for _, x := range b.Bases {
			walk(x)
		}
	}
	for _, b := range it.Bases {
		walk(b)
	}
}

// interfaceExport parses one definition inside an interface body.
func (p *parser) interfaceExport() []ast.Decl {
	if d := p.export(); d != nil {
		return d
	}
	t := p.peek()
	var out []ast.Decl
	switch {
	case t.text == "typeid" || t.text == "typeprefix":
		p.typeIDDcl()
	case t.text == "readonly" || t.text == "attribute":
		out = p.attribute()
	default:
		out = append(out, p.operation())
	}
	p.expect(";")
	return out
}

// checkNotInherited rejects redefining an inherited operation or attribute.
func (p *parser) checkNotInherited(name string, pos ast.Pos) {
	it, ok := p.scope.decl.(*ast.Interface)
	if !ok {
		return
	}
	for _, b := range it.Bases {
		if d := p.findIn(p.scopes[b], name, pos, map[*scope]bool{}); d != nil {
			switch d.(type) {
			case *ast.Operation, *ast.Attribute:
				p.fail(pos, "%s redefines %s inherited from %s", name, p.describeDecl(d), b.Name)
			}
		}
	}
}

func (p *parser) attribute() []ast.Decl {
	readonly := p.accept("readonly")
	p.expect("attribute")
	typ := p.paramType()
	var attrs []*ast.Attribute
	for {
		name, pos := p.ident("an attribute name")
		p.checkNotInherited(name, pos)
		a := &ast.Attribute{DeclInfo: p.info(name, pos, false), Readonly: readonly, Type: typ}
		p.declare(name, pos, a)
		attrs = append(attrs, a)
		if !p.accept(",") {
			break
		}
	}
	if len(attrs) == 1 {
		switch {
		case p.accept("raises"):
			if !readonly {
				p.fail(p.lastPos, "a writable attribute uses getraises/setraises, not raises")
			}
			attrs[0].GetRaises = p.raisesList()
		case p.is("getraises") || p.is("setraises"):
			if p.accept("getraises") {
				attrs[0].GetRaises = p.raisesList()
			}
			if p.accept("setraises") {
				if readonly {
					p.fail(p.lastPos, "readonly attribute %s cannot have setraises", attrs[0].Name)
				}
				attrs[0].SetRaises = p.raisesList()
			}
		}
	}
	out := p.takeInline()
	for _, a := range attrs {
		out = append(out, a)
	}
	return out
}

// raisesList parses "( ScopedName, ... )" naming exceptions.
func (p *parser) raisesList() []*ast.Exception {
	p.expect("(")
	var list []*ast.Exception
	for {
		d, pos := p.resolve()
		ex, ok := d.(*ast.Exception)
		if !ok {
			p.fail(pos, "%s is a %s, not an exception, so it cannot be raised", d.Info().Name, kindName(d))
		}
		for _, x := range list {
			if x == ex {
				p.fail(pos, "exception %s is listed twice", ex.Name)
			}
		}
		list = append(list, ex)
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return list
}

func (p *parser) operation() *ast.Operation {
	oneway := p.accept("oneway")
	var result ast.Type
	if !p.accept("void") {
		result = p.paramType()
	}
	name, pos := p.ident("an operation name")
	p.checkNotInherited(name, pos)
	op := &ast.Operation{DeclInfo: p.info(name, pos, false), Oneway: oneway, Result: result}
	p.declare(name, pos, op)
	// The operation is a scope of its own: names used in its signature may
	// not be reused as its parameter names.
	p.openScope(op)
	defer p.closeScope()
	p.expect("(")
	seen := map[string]bool{}
	for !p.is(")") {
		dirTok := p.next()
		var dir ast.Direction
		switch dirTok.text {
		case "in":
			dir = ast.In
		case "out":
			dir = ast.Out
		case "inout":
			dir = ast.InOut
		default:
			p.fail(dirTok.pos, "expected a parameter direction (in, out, inout), got %s", dirTok.describe())
		}
		typ := p.paramType()
		pn, ppos := p.ident("a parameter name")
		if seen[strings.ToLower(pn)] {
			p.fail(ppos, "parameter %s is declared twice", pn)
		}
		p.checkUsed(pn, ppos, "parameter")
		seen[strings.ToLower(pn)] = true
		op.Params = append(op.Params, &ast.Param{Pos: ppos, Name: pn, Dir: dir, Type: typ})
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	if p.accept("raises") {
		op.Raises = p.raisesList()
	}
	if p.accept("context") {
		p.expect("(")
		for {
			t := p.next()
			if t.kind != tString {
				p.fail(t.pos, "context expects string literals, got %s", t.describe())
			}
			op.Contexts = append(op.Contexts, t.text)
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
	}
	if oneway {
		switch {
		case result != nil:
			p.fail(pos, "oneway operation %s must return void", name)
		case len(op.Raises) > 0:
			p.fail(pos, "oneway operation %s cannot raise user exceptions", name)
		}
		for _, prm := range op.Params {
			if prm.Dir != ast.In {
				p.fail(prm.Pos, "oneway operation %s cannot have %s parameter %s", name, prm.Dir, prm.Name)
			}
		}
	}
	if len(p.inline) > 0 {
		p.fail(pos, "operation %s declares a type inline; declare it with typedef first", name)
	}
	return op
}

// typeIDDcl parses "typeid Name "id"" and "typeprefix Name "prefix"".
func (p *parser) typeIDDcl() {
	kw := p.next()
	d, pos := p.resolve()
	t := p.next()
	if t.kind != tString {
		p.fail(t.pos, "%s expects a string literal, got %s", kw.text, t.describe())
	}
	if kw.text == "typeid" {
		p.setRepoID(d, t.text, pos)
		return
	}
	s, ok := p.scopes[d]
	if !ok {
		p.fail(pos, "typeprefix needs a module, interface or other scope; %s is a %s", d.Info().Name, kindName(d))
	}
	// Apply to what is already declared in that scope, and to the rest of
	// it if it is the current scope.
	for _, x := range s.names {
		if info := x.Info(); strings.HasPrefix(info.RepoID, "IDL:") {
			info.RepoID = "IDL:" + t.text + "/" + strings.Join(info.Scoped(), "/") + ":1.0"
		}
	}
	if s == p.scope {
		p.prefixes[len(p.prefixes)-1] = t.text
	}
}
