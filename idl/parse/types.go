package parse

import (
	"math/big"
	"strings"

	"concord/idl/ast"
)

// typeDcl parses typedef, struct, union, enum and native (without ';').
func (p *parser) typeDcl() []ast.Decl {
	t := p.peek()
	switch t.text {
	case "typedef":
		p.next()
		typ := p.typeSpec(true)
		out := p.takeInline()
		for {
			name, pos := p.ident("a typedef name")
			td := &ast.Typedef{DeclInfo: p.info(name, pos, true), Type: p.arrayDims(typ)}
			p.declare(name, pos, td)
			out = append(out, td)
			if !p.accept(",") {
				return out
			}
		}
	case "native":
		p.next()
		name, pos := p.ident("a native type name")
		n := &ast.Native{DeclInfo: p.info(name, pos, true)}
		p.declare(name, pos, n)
		return []ast.Decl{n}
	}
	d := p.constrType()
	out := p.takeInline()
	if d != nil {
		out = append(out, d)
	}
	return out
}

// constrType parses a struct, union or enum (or a struct/union forward
// declaration, returning it only the first time).
func (p *parser) constrType() ast.Decl {
	switch p.peek().text {
	case "struct":
		return p.structType()
	case "union":
		return p.unionType()
	case "enum":
		return p.enumType()
	}
	t := p.peek()
	p.fail(t.pos, "expected struct, union or enum, got %s", t.describe())
	return nil
}

// forwardable finds an earlier forward declaration of a struct or union.
func (p *parser) forwardable(name string, pos ast.Pos) ast.Decl {
	old, ok := p.scope.names[strings.ToLower(name)]
	if !ok {
		return nil
	}
	switch o := old.(type) {
	case *ast.Struct:
		if !o.Defined && o.Name == name {
			return o
		}
	case *ast.Union:
		if !o.Defined && o.Name == name {
			return o
		}
	}
	p.declare(name, pos, nil) // reports the clash
	return nil
}

func (p *parser) structType() ast.Decl {
	p.expect("struct")
	name, pos := p.ident("a struct name")
	s, _ := p.forwardable(name, pos).(*ast.Struct)
	fresh := s == nil
	if fresh {
		s = &ast.Struct{DeclInfo: p.info(name, pos, true)}
		p.declare(name, pos, s)
	}
	if p.is(";") {
		if !fresh {
			return nil
		}
		return s
	}
	s.Pos = pos
	outer := p.takeInline()
	p.expect("{")
	p.openScope(s)
	s.Members = p.members("struct " + name)
	s.Nested = p.takeInline()
	p.closeScope()
	p.expect("}")
	s.Defined = true
	p.inline = outer
	return s
}

func (p *parser) exceptionDcl() ast.Decl {
	p.expect("exception")
	name, pos := p.ident("an exception name")
	ex := &ast.Exception{DeclInfo: p.info(name, pos, true)}
	p.declare(name, pos, ex)
	outer := p.takeInline()
	p.expect("{")
	p.openScope(ex)
	if !p.is("}") {
		ex.Members = p.members("exception " + name)
	}
	ex.Nested = p.takeInline()
	p.closeScope()
	p.expect("}")
	p.inline = outer
	return ex
}

// members parses struct or exception members up to '}'.
func (p *parser) members(what string) []*ast.Member {
	var ms []*ast.Member
	seen := map[string]bool{}
	for !p.is("}") {
		if p.peek().kind == tEOF {
			p.fail(p.peek().pos, "expected '}' to close %s, got end of file", what)
		}
		typ := p.typeSpec(true)
		for {
			name, pos := p.ident("a member name")
			if seen[strings.ToLower(name)] {
				p.fail(pos, "member %s is declared twice in %s", name, what)
			}
			p.checkMemberName(name, pos)
			seen[strings.ToLower(name)] = true
			ms = append(ms, &ast.Member{Pos: pos, Name: name, Type: p.arrayDims(typ)})
			if !p.accept(",") {
				break
			}
		}
		p.expect(";")
	}
	if len(ms) == 0 && strings.HasPrefix(what, "struct") {
		p.fail(p.peek().pos, "%s has no members", what)
	}
	return ms
}

func (p *parser) enumType() ast.Decl {
	p.expect("enum")
	name, pos := p.ident("an enum name")
	e := &ast.Enum{DeclInfo: p.info(name, pos, true)}
	p.declare(name, pos, e)
	p.expect("{")
	for {
		n, npos := p.ident("an enumerator")
		en := &ast.Enumerator{DeclInfo: p.info(n, npos, true), Enum: e, Value: uint32(len(e.Enumerators))}
		p.declare(n, npos, en) // enumerators live in the enum's enclosing scope
		e.Enumerators = append(e.Enumerators, en)
		if !p.accept(",") {
			break
		}
	}
	p.expect("}")
	return e
}

func (p *parser) unionType() ast.Decl {
	p.expect("union")
	name, pos := p.ident("a union name")
	u, _ := p.forwardable(name, pos).(*ast.Union)
	fresh := u == nil
	if fresh {
		u = &ast.Union{DeclInfo: p.info(name, pos, true)}
		p.declare(name, pos, u)
	}
	if p.is(";") {
		if !fresh {
			return nil
		}
		return u
	}
	u.Pos = pos
	outer := p.takeInline()
	p.expect("switch")
	p.expect("(")
	p.openScope(u)
	dpos := p.peek().pos
	u.Disc = p.typeSpec(true)
	if !validDisc(u.Disc) {
		p.fail(dpos, "union %s: discriminator type %s must be an integer, char, wchar, boolean or enum type", name, u.Disc.IDL())
	}
	p.expect(")")
	p.expect("{")
	names := map[string]bool{}
	labels := map[string]ast.Pos{}
	hasDefault := false
	for !p.is("}") {
		c := &ast.Case{}
		for p.is("case") || p.is("default") {
			kw := p.next()
			if kw.text == "default" {
				if hasDefault {
					p.fail(kw.pos, "union %s has two default labels", name)
				}
				hasDefault, c.Default = true, true
			} else {
				lpos := p.peek().pos
				v := p.coerce(p.constExpr(), u.Disc, lpos)
				key := v.String()
				if old, dup := labels[key]; dup {
					p.fail(lpos, "union %s: case label %s is already used at %s", name, key, old)
				}
				labels[key] = lpos
				c.Labels = append(c.Labels, v)
			}
			p.expect(":")
		}
		if len(c.Labels) == 0 && !c.Default {
			t := p.peek()
			p.fail(t.pos, "expected 'case' or 'default' in union %s, got %s", name, t.describe())
		}
		typ := p.typeSpec(true)
		cn, cpos := p.ident("a union member name")
		if names[strings.ToLower(cn)] {
			p.fail(cpos, "union %s: member %s is declared twice", name, cn)
		}
		p.checkMemberName(cn, cpos)
		names[strings.ToLower(cn)] = true
		c.Pos, c.Name, c.Type = cpos, cn, p.arrayDims(typ)
		u.Cases = append(u.Cases, c)
		p.expect(";")
	}
	if len(u.Cases) == 0 {
		p.fail(p.peek().pos, "union %s has no cases", name)
	}
	u.Nested = p.takeInline()
	p.closeScope()
	p.expect("}")
	u.Defined = true
	p.inline = outer
	return u
}

func validDisc(t ast.Type) bool {
	switch r := ast.Resolve(t).(type) {
	case *ast.Basic:
		return r.Kind.IsInteger() || r.Kind == ast.Char || r.Kind == ast.WChar || r.Kind == ast.Boolean
	case *ast.Named:
		_, ok := r.Decl.(*ast.Enum)
		return ok
	}
	return false
}

// arrayDims reads optional [N][M]... after a declarator name.
func (p *parser) arrayDims(elem ast.Type) ast.Type {
	var dims []uint64
	for p.accept("[") {
		dims = append(dims, p.positiveConst("array size"))
		p.expect("]")
	}
	if dims == nil {
		return elem
	}
	return &ast.Array{Elem: elem, Dims: dims}
}

// positiveConst evaluates a constant expression that must be a positive integer.
func (p *parser) positiveConst(what string) uint64 {
	pos := p.peek().pos
	v := p.constExpr()
	if v.Kind != ast.IntValue {
		p.fail(pos, "%s must be a positive integer constant, got %s", what, v)
	}
	if v.Int.Sign() <= 0 || v.Int.Cmp(big.NewInt(1<<32-1)) > 0 {
		p.fail(pos, "%s must be between 1 and 4294967295, got %s", what, v.Int)
	}
	return v.Int.Uint64()
}

// paramType parses the type of a parameter, attribute or result: no inline
// struct/union/enum.
func (p *parser) paramType() ast.Type { return p.typeSpec(false) }

// typeSpec parses a type. With constr, an inline struct/union/enum is
// declared in the current scope and queued in p.inline.
func (p *parser) typeSpec(constr bool) ast.Type {
	t := p.peek()
	if t.kind == tPunct && t.text != "::" {
		p.fail(t.pos, "expected a type, got %s", t.describe())
	}
	switch t.text {
	case "struct", "union", "enum":
		if !constr {
			p.fail(t.pos, "a %s cannot be declared here; declare it first and use its name", t.text)
		}
		d := p.constrType()
		if d == nil {
			p.fail(t.pos, "expected a %s definition", t.text)
		}
		p.inline = append(p.inline, d)
		return &ast.Named{Pos: t.pos, Decl: d}
	case "short", "long", "unsigned", "float", "double", "char", "wchar", "boolean", "octet", "any", "Object", "ValueBase":
		return p.baseType()
	case "string", "wstring":
		p.next()
		s := &ast.String{Wide: t.text == "wstring"}
		if p.accept("<") {
			s.Bound = p.positiveConst("string bound")
			p.expect(">")
		}
		return s
	case "sequence":
		p.next()
		p.expect("<")
		elem := p.seqElem()
		s := &ast.Sequence{Elem: elem}
		if p.accept(",") {
			// In "sequence<sequence<long, 3>>" the ">>" closes both.
			p.inBound++
			s.Bound = p.positiveConst("sequence bound")
			p.inBound--
		}
		if p.is(">>") {
			// sequence<sequence<long>> : split the '>>' token.
			p.cur = &token{kind: tPunct, text: ">", pos: p.peek().pos}
		} else {
			p.expect(">")
		}
		return s
	case "fixed":
		p.next()
		f := &ast.Fixed{}
		if p.accept("<") {
			f.Digits = int(p.positiveConst("fixed digits"))
			p.expect(",")
			pos := p.peek().pos
			v := p.constExpr()
			if v.Kind != ast.IntValue || v.Int.Sign() < 0 || v.Int.Int64() > int64(f.Digits) {
				p.fail(pos, "fixed scale must be between 0 and the number of digits")
			}
			f.Scale = int(v.Int.Int64())
			if f.Digits > 31 {
				p.fail(t.pos, "fixed has at most 31 digits")
			}
			p.expect(">")
		}
		return f
	case "void":
		p.fail(t.pos, "void is only allowed as an operation result")
	}
	if t.kind != tIdent && !p.is("::") {
		p.fail(t.pos, "expected a type, got %s", t.describe())
	}
	d, pos := p.resolve()
	switch x := d.(type) {
	case *builtinType:
		return &ast.Basic{Kind: x.kind()}
	case *ast.Struct:
		if !x.Defined && p.seqDepth == 0 {
			p.fail(pos, "struct %s is used before its definition is complete (a recursive type must go through a sequence)", x.Name)
		}
	case *ast.Union:
		if !x.Defined && p.seqDepth == 0 {
			p.fail(pos, "union %s is used before its definition is complete (a recursive type must go through a sequence)", x.Name)
		}
	case *ast.Typedef, *ast.Enum, *ast.Interface, *ast.Native, *ast.ValueType:
	default:
		p.fail(pos, "%s is a %s, not a type", strings.Join(d.Info().Scoped(), "::"), kindName(d))
	}
	return &ast.Named{Pos: pos, Decl: d}
}

// seqElem parses a sequence's element type; incomplete structs and unions
// are allowed there (that is how IDL spells recursive types).
func (p *parser) seqElem() ast.Type {
	p.seqDepth++
	defer func() { p.seqDepth-- }()
	return p.typeSpec(false)
}

func (p *parser) baseType() ast.Type {
	t := p.next()
	k := ast.Short
	switch t.text {
	case "short":
		k = ast.Short
	case "long":
		switch {
		case p.accept("long"):
			k = ast.LongLong
		case p.accept("double"):
			k = ast.LongDouble
		default:
			k = ast.Long
		}
	case "unsigned":
		switch {
		case p.accept("short"):
			k = ast.UShort
		case p.accept("long"):
			k = ast.ULong
			if p.accept("long") {
				k = ast.ULongLong
			}
		default:
			p.fail(p.peek().pos, "expected 'short' or 'long' after 'unsigned', got %s", p.peek().describe())
		}
	case "float":
		k = ast.Float
	case "double":
		k = ast.Double
	case "char":
		k = ast.Char
	case "wchar":
		k = ast.WChar
	case "boolean":
		k = ast.Boolean
	case "octet":
		k = ast.Octet
	case "any":
		k = ast.Any
	case "Object":
		k = ast.Object
	case "ValueBase":
		k = ast.ValueBase
	}
	return &ast.Basic{Kind: k}
}

// checkMemberName rejects a member named like a type declared in the same
// scope or like an outer name used there.
func (p *parser) checkMemberName(name string, pos ast.Pos) {
	p.checkUsed(name, pos, "member")
	if old, ok := p.scope.names[strings.ToLower(name)]; ok {
		p.fail(pos, "member %s clashes with %s declared at %s", name, p.describeDecl(old), old.Info().Pos)
	}
	if s := p.scope.decl; s != nil && strings.EqualFold(name, s.Info().Name) {
		p.fail(pos, "member %s cannot have the name of its enclosing %s", name, kindName(s))
	}
}
