package parse

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"concord/idl/ast"
)

// constDcl parses "const Type Name = Expr".
func (p *parser) constDcl() ast.Decl {
	p.expect("const")
	tpos := p.peek().pos
	typ := p.typeSpec(false)
	if !validConstType(typ) {
		p.fail(tpos, "%s is not a valid constant type", typ.IDL())
	}
	name, pos := p.ident("a constant name")
	p.expect("=")
	vpos := p.peek().pos
	v := p.coerce(p.constExpr(), typ, vpos)
	c := &ast.Const{DeclInfo: p.info(name, pos, true), Type: typ, Value: v}
	p.declare(name, pos, c)
	return c
}

func validConstType(t ast.Type) bool {
	switch r := ast.Resolve(t).(type) {
	case *ast.Basic:
		return r.Kind <= ast.Octet
	case *ast.String, *ast.Fixed:
		return true
	case *ast.Named:
		_, ok := r.Decl.(*ast.Enum)
		return ok
	}
	return false
}

var intRanges = map[ast.BasicKind][2]*big.Int{
	ast.Short:     {big.NewInt(math.MinInt16), big.NewInt(math.MaxInt16)},
	ast.UShort:    {big.NewInt(0), big.NewInt(math.MaxUint16)},
	ast.Long:      {big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)},
	ast.ULong:     {big.NewInt(0), big.NewInt(math.MaxUint32)},
	ast.LongLong:  {big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)},
	ast.ULongLong: {big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)},
	ast.Octet:     {big.NewInt(0), big.NewInt(255)},
	ast.Char:      {big.NewInt(0), big.NewInt(255)},
	ast.WChar:     {big.NewInt(0), big.NewInt(0x10ffff)},
}

func describeValue(v ast.Value) string {
	switch v.Kind {
	case ast.IntValue:
		return "integer " + v.Int.String()
	case ast.FloatValue:
		return "floating-point value " + v.String()
	case ast.BoolValue:
		return "boolean " + v.String()
	case ast.CharValue:
		return "character constant"
	case ast.StringValue:
		return "string " + v.String()
	case ast.EnumValue:
		return "enumerator " + v.Enum.Name
	}
	return "fixed-point value " + v.Str
}

// coerce checks that v fits type t and converts it to t's kind.
func (p *parser) coerce(v ast.Value, t ast.Type, pos ast.Pos) ast.Value {
	bad := func() ast.Value {
		p.fail(pos, "cannot use %s as a constant of type %s", describeValue(v), t.IDL())
		return v
	}
	switch r := ast.Resolve(t).(type) {
	case *ast.Basic:
		switch {
		case r.Kind.IsInteger() || r.Kind == ast.Octet:
			if v.Kind != ast.IntValue {
				return bad()
			}
			rg := intRanges[r.Kind]
			if v.Int.Cmp(rg[0]) < 0 || v.Int.Cmp(rg[1]) > 0 {
				p.fail(pos, "value %s is out of range for %s", v.Int, r.Kind)
			}
			return v
		case r.Kind == ast.Char || r.Kind == ast.WChar:
			if v.Kind != ast.CharValue {
				return bad()
			}
			if r.Kind == ast.Char && v.Int.Int64() > 255 {
				p.fail(pos, "character %s does not fit in char; use wchar", v.Int)
			}
			return v
		case r.Kind == ast.Boolean:
			if v.Kind != ast.BoolValue {
				return bad()
			}
			return v
		case r.Kind == ast.Float || r.Kind == ast.Double || r.Kind == ast.LongDouble:
			if v.Kind != ast.FloatValue {
				return bad() // no implicit integer to floating-point conversion
			}
			if r.Kind == ast.Float && math.Abs(v.Float) > math.MaxFloat32 {
				p.fail(pos, "value %s is out of range for float", v)
			}
			return v
		}
	case *ast.String:
		if v.Kind != ast.StringValue {
			return bad()
		}
		if r.Bound > 0 && uint64(len([]rune(v.Str))) > r.Bound {
			p.fail(pos, "string of length %d exceeds the bound %d of %s", len([]rune(v.Str)), r.Bound, r.IDL())
		}
		return v
	case *ast.Fixed:
		if v.Kind != ast.FixedValue && v.Kind != ast.IntValue {
			return bad()
		}
		return v
	case *ast.Named:
		if e, ok := r.Decl.(*ast.Enum); ok {
			if v.Kind != ast.EnumValue || v.Enum.Enum != e {
				return bad()
			}
			return v
		}
	}
	return bad()
}

// constExpr parses and evaluates a constant expression.
func (p *parser) constExpr() ast.Value { return p.binary(0) }

var precedence = [][]string{{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}}

func (p *parser) binary(level int) ast.Value {
	if level == len(precedence) {
		return p.unaryExpr()
	}
	v := p.binary(level + 1)
	for {
		op := ""
		for _, o := range precedence[level] {
			if p.is(o) && !(o == ">>" && p.inBound > 0) {
				op = o
			}
		}
		if op == "" {
			return v
		}
		t := p.next()
		w := p.binary(level + 1)
		v = p.apply(op, v, w, t.pos)
	}
}

func (p *parser) apply(op string, a, b ast.Value, pos ast.Pos) ast.Value {
	if a.Kind == ast.FloatValue || b.Kind == ast.FloatValue {
		// IDL does not convert implicitly: 1.0 / 2 is an error (as in omniidl).
		x, okA := toFloat(a)
		y, okB := toFloat(b)
		if !okA || !okB || a.Kind != b.Kind {
			p.fail(pos, "operator %s cannot combine %s and %s", op, describeValue(a), describeValue(b))
		}
		switch op {
		case "+":
			return ast.Value{Kind: ast.FloatValue, Float: x + y}
		case "-":
			return ast.Value{Kind: ast.FloatValue, Float: x - y}
		case "*":
			return ast.Value{Kind: ast.FloatValue, Float: x * y}
		case "/":
			if y == 0 {
				p.fail(pos, "division by zero in constant expression")
			}
			return ast.Value{Kind: ast.FloatValue, Float: x / y}
		}
		p.fail(pos, "operator %s needs integer operands", op)
	}
	if a.Kind != ast.IntValue || b.Kind != ast.IntValue {
		p.fail(pos, "operator %s cannot combine %s and %s", op, describeValue(a), describeValue(b))
	}
	x, y := a.Int, b.Int
	r := new(big.Int)
	switch op {
	case "+":
		r.Add(x, y)
	case "-":
		r.Sub(x, y)
	case "*":
		r.Mul(x, y)
	case "/", "%":
		if y.Sign() == 0 {
			p.fail(pos, "division by zero in constant expression")
		}
		if op == "/" {
			r.Quo(x, y)
		} else {
			r.Rem(x, y)
		}
	case "<<", ">>":
		if y.Sign() < 0 || y.Cmp(big.NewInt(64)) >= 0 {
			p.fail(pos, "shift count %s must be between 0 and 63", y)
		}
		if op == "<<" {
			r.Lsh(x, uint(y.Int64()))
		} else {
			r.Rsh(x, uint(y.Int64()))
		}
	case "|":
		r.Or(x, y)
	case "^":
		r.Xor(x, y)
	case "&":
		r.And(x, y)
	}
	if r.BitLen() > 64 {
		p.fail(pos, "constant expression overflows 64 bits")
	}
	return ast.Value{Kind: ast.IntValue, Int: r}
}

func toFloat(v ast.Value) (float64, bool) {
	switch v.Kind {
	case ast.FloatValue:
		return v.Float, true
	case ast.IntValue:
		f, _ := new(big.Float).SetInt(v.Int).Float64()
		return f, true
	}
	return 0, false
}

func (p *parser) unaryExpr() ast.Value {
	t := p.peek()
	if t.kind == tPunct && (t.text == "-" || t.text == "+" || t.text == "~") {
		p.next()
		v := p.unaryExpr()
		switch {
		case t.text == "+" && (v.Kind == ast.IntValue || v.Kind == ast.FloatValue):
			return v
		case t.text == "-" && v.Kind == ast.IntValue:
			return ast.Value{Kind: ast.IntValue, Int: new(big.Int).Neg(v.Int)}
		case t.text == "-" && v.Kind == ast.FloatValue:
			return ast.Value{Kind: ast.FloatValue, Float: -v.Float}
		case t.text == "~" && v.Kind == ast.IntValue:
			return ast.Value{Kind: ast.IntValue, Int: new(big.Int).Not(v.Int)}
		}
		p.fail(t.pos, "operator %s cannot apply to %s", t.text, describeValue(v))
	}
	return p.primary()
}

func (p *parser) primary() ast.Value {
	t := p.peek()
	switch t.kind {
	case tInt:
		p.next()
		n, ok := new(big.Int).SetString(t.text, 0)
		if len(t.text) > 1 && t.text[0] == '0' && t.text[1] != 'x' && t.text[1] != 'X' {
			n, ok = new(big.Int).SetString(t.text[1:], 8)
		}
		if !ok {
			p.fail(t.pos, "malformed integer literal %s", t.text)
		}
		return ast.Value{Kind: ast.IntValue, Int: n}
	case tFloat:
		p.next()
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			p.fail(t.pos, "malformed floating-point literal %s", t.text)
		}
		return ast.Value{Kind: ast.FloatValue, Float: f}
	case tFixed:
		p.next()
		return ast.Value{Kind: ast.FixedValue, Str: t.text}
	case tChar, tWChar:
		p.next()
		r := []rune(t.text)[0]
		return ast.Value{Kind: ast.CharValue, Int: big.NewInt(int64(r))}
	case tString, tWString:
		// Adjacent string literals concatenate.
		var b strings.Builder
		for p.peek().kind == t.kind {
			b.WriteString(p.next().text)
		}
		return ast.Value{Kind: ast.StringValue, Str: b.String()}
	case tPunct:
		if t.text == "(" {
			p.next()
			saved := p.inBound
			p.inBound = 0 // inside parentheses ">>" is a shift again
			v := p.constExpr()
			p.inBound = saved
			p.expect(")")
			return v
		}
		if t.text != "::" {
			p.fail(t.pos, "expected a constant expression, got %s", t.describe())
		}
	case tIdent:
		switch t.text {
		case "TRUE", "FALSE":
			p.next()
			return ast.Value{Kind: ast.BoolValue, Bool: t.text == "TRUE"}
		}
	default:
		p.fail(t.pos, "expected a constant expression, got %s", t.describe())
	}
	d, pos := p.resolve()
	switch x := d.(type) {
	case *ast.Const:
		return x.Value
	case *ast.Enumerator:
		return ast.Value{Kind: ast.EnumValue, Enum: x}
	}
	p.fail(pos, "%s is a %s, not a constant", strings.Join(d.Info().Scoped(), "::"), kindName(d))
	return ast.Value{}
}
