package parse

import (
	"strings"

	"concord/idl/ast"
)

// valueType parses valuetypes, abstract valuetypes, value boxes and
// eventtypes (without ';'). They are recorded for names and repository ids;
// the Go generator refuses them.
func (p *parser) valueType(kind string, _ ast.Pos) []ast.Decl {
	p.next() // valuetype / eventtype
	name, pos := p.ident("a valuetype name")
	var v *ast.ValueType
	if old, ok := p.scope.names[strings.ToLower(name)]; ok {
		ov, isVal := old.(*ast.ValueType)
		if !isVal || ov.Defined || ov.Name != name {
			p.declare(name, pos, nil)
		}
		v = ov
	} else {
		v = &ast.ValueType{DeclInfo: p.info(name, pos, true), Kind: kind}
		p.declare(name, pos, v)
	}
	if p.is(";") {
		v.Kind = kind + " forward"
		return []ast.Decl{v}
	}
	v.Pos, v.Kind = pos, kind
	// A value box: "valuetype Name <type>;"
	if !p.is(":") && !p.is("{") && !p.is("supports") {
		v.Kind = "valuetype box"
		v.Boxed = p.typeSpec(true)
		v.Defined = true
		return append(p.takeInline(), v)
	}
	if p.accept(":") {
		p.accept("truncatable")
		for {
			p.resolve()
			if !p.accept(",") {
				break
			}
		}
	}
	if p.accept("supports") {
		for {
			p.resolve()
			if !p.accept(",") {
				break
			}
		}
	}
	p.expect("{")
	v.Defined = true
	p.openScope(v)
	for !p.is("}") {
		if p.peek().kind == tEOF {
			p.fail(p.peek().pos, "expected '}' to close %s %s, got end of file", kind, name)
		}
		v.Body = append(v.Body, p.valueElement()...)
	}
	p.closeScope()
	p.expect("}")
	return []ast.Decl{v}
}

func (p *parser) valueElement() []ast.Decl {
	t := p.peek()
	switch t.text {
	case "public", "private":
		p.next()
		typ := p.typeSpec(true)
		out := p.takeInline()
		for {
			n, pos := p.ident("a state member name")
			m := &ast.StateMember{DeclInfo: p.info(n, pos, false), Public: t.text == "public", Type: p.arrayDims(typ)}
			p.declare(n, pos, m)
			out = append(out, m)
			if !p.accept(",") {
				break
			}
		}
		p.expect(";")
		return out
	case "factory":
		p.next()
		n, pos := p.ident("a factory name")
		f := &ast.Initializer{DeclInfo: p.info(n, pos, false)}
		p.declare(n, pos, f)
		p.expect("(")
		for !p.is(")") {
			p.expect("in")
			typ := p.paramType()
			pn, ppos := p.ident("a parameter name")
			f.Params = append(f.Params, &ast.Param{Pos: ppos, Name: pn, Type: typ})
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
		if p.accept("raises") {
			f.Raises = p.raisesList()
		}
		p.expect(";")
		return []ast.Decl{f}
	}
	return p.interfaceExport()
}
