package parse

import (
	"strconv"
	"strings"

	"concord/idl/ast"
)

// evalIf evaluates a #if / #elif condition: integer literals, macro names
// (undefined ones are 0), defined(X), !, &&, ||, ==, !=, <, >, <=, >= and
// parentheses: what IDL files use in practice.
func (p *preproc) evalIf(expr string, pos ast.Pos) (bool, *Error) {
	e := &ifParser{s: expr, pos: pos, p: p}
	v, err := e.or()
	if err != nil {
		return false, err
	}
	e.skip()
	if e.i < len(e.s) {
		return false, errorf(pos, "unexpected %q in #if expression", e.s[e.i:])
	}
	return v != 0, nil
}

type ifParser struct {
	s     string
	i     int
	pos   ast.Pos
	p     *preproc
	depth int
}

func (e *ifParser) skip() {
	for e.i < len(e.s) && (e.s[e.i] == ' ' || e.s[e.i] == '\t') {
		e.i++
	}
}

func (e *ifParser) eat(op string) bool {
	e.skip()
	if strings.HasPrefix(e.s[e.i:], op) {
		e.i += len(op)
		return true
	}
	return false
}

func (e *ifParser) or() (int64, *Error) {
	v, err := e.and()
	for err == nil && e.eat("||") {
		var w int64
		w, err = e.and()
		v = b2i(v != 0 || w != 0)
	}
	return v, err
}

func (e *ifParser) and() (int64, *Error) {
	v, err := e.cmp()
	for err == nil && e.eat("&&") {
		var w int64
		w, err = e.cmp()
		v = b2i(v != 0 && w != 0)
	}
	return v, err
}

func (e *ifParser) cmp() (int64, *Error) {
	v, err := e.unary()
	if err != nil {
		return 0, err
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if e.eat(op) {
			w, err := e.unary()
			if err != nil {
				return 0, err
			}
			switch op {
			case "==":
				return b2i(v == w), nil
			case "!=":
				return b2i(v != w), nil
			case "<=":
				return b2i(v <= w), nil
			case ">=":
				return b2i(v >= w), nil
			case "<":
				return b2i(v < w), nil
			}
			return b2i(v > w), nil
		}
	}
	return v, nil
}

func (e *ifParser) unary() (int64, *Error) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > 100 {
		return 0, errorf(e.pos, "#if expression nested too deeply")
	}
	e.skip()
	switch {
	case e.eat("!"):
		v, err := e.unary()
		return b2i(v == 0), err
	case e.eat("("):
		v, err := e.or()
		if err != nil {
			return 0, err
		}
		if !e.eat(")") {
			return 0, errorf(e.pos, "missing ')' in #if expression")
		}
		return v, nil
	}
	word := e.word()
	switch {
	case word == "":
		if e.i >= len(e.s) {
			return 0, errorf(e.pos, "#if expression ends too early")
		}
		return 0, errorf(e.pos, "unexpected %q in #if expression", e.s[e.i:])
	case word == "defined":
		paren := e.eat("(")
		e.skip()
		name := e.word()
		if name == "" {
			return 0, errorf(e.pos, "defined needs a macro name")
		}
		if paren && !e.eat(")") {
			return 0, errorf(e.pos, "missing ')' after defined(%s", name)
		}
		_, ok := e.p.macros[name]
		return b2i(ok), nil
	case isDigit(word[0]):
		v, err := strconv.ParseInt(strings.TrimRight(word, "uUlL"), 0, 64)
		if err != nil {
			return 0, errorf(e.pos, "bad number %q in #if expression", word)
		}
		return v, nil
	}
	body, ok := e.p.macros[word]
	if !ok || strings.TrimSpace(body) == "" {
		return 0, nil
	}
	if e.depth > 50 {
		return 0, errorf(e.pos, "macro %s expands recursively", word)
	}
	sub := &ifParser{s: body, pos: e.pos, p: e.p, depth: e.depth}
	return sub.or()
}

func (e *ifParser) word() string {
	e.skip()
	j := e.i
	for j < len(e.s) && isIdentChar(e.s[j]) {
		j++
	}
	w := e.s[e.i:j]
	e.i = j
	return w
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
