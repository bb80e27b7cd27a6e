package parse

import (
	"os"
	"strings"

	"concord/idl/ast"
)

func readDisk(path string) ([]byte, error) { return os.ReadFile(path) }

// scope is a naming scope: the root, a module, an interface, a struct,
// union, exception or valuetype. Names are stored lower-cased because IDL
// names that differ only in case collide.
type scope struct {
	decl   ast.Decl
	parent *scope
	names  map[string]ast.Decl
	// used records names used here but declared outside: IDL forbids
	// declaring them afterwards in this scope (struct S { Color color; }).
	used map[string]use
}

type use struct {
	name string
	pos  ast.Pos
}

// checkUsed rejects declaring name where an outer name of the same
// spelling (in any case) was already used.
func (p *parser) checkUsed(name string, pos ast.Pos, what string) {
	if u, ok := p.scope.used[strings.ToLower(name)]; ok {
		p.fail(pos, "declaration of %s %s clashes with the use of identifier %s at %s", what, name, u.name, u.pos)
	}
}

func (s *scope) path() []string {
	if s.decl == nil {
		return nil
	}
	return s.decl.Info().Scoped()
}

// openScope enters d's scope (creating it on first use) and pushes the prefix.
func (p *parser) openScope(d ast.Decl) {
	s, ok := p.scopes[d]
	if !ok {
		s = &scope{decl: d, parent: p.scope, names: map[string]ast.Decl{}}
		p.scopes[d] = s
	}
	p.scope = s
	p.prefixes = append(p.prefixes, p.prefix())
}

func (p *parser) closeScope() {
	p.scope = p.scope.parent
	p.prefixes = p.prefixes[:len(p.prefixes)-1]
}

// declare adds d under name to the current scope, rejecting a name that
// is already used in this scope (in any letter case).
func (p *parser) declare(name string, pos ast.Pos, d ast.Decl) {
	key := strings.ToLower(name)
	p.checkUsed(name, pos, kindName(d))
	if old, ok := p.scope.names[key]; ok {
		o := old.Info()
		if o.Name != name {
			p.fail(pos, "%s collides with %s declared at %s (IDL names differ by more than case)", name, p.describeDecl(old), o.Pos)
		}
		p.fail(pos, "%s is already declared in this scope, as %s at %s", name, p.describeDecl(old), o.Pos)
	}
	if s := p.scope.decl; s != nil {
		if strings.EqualFold(name, s.Info().Name) && isTypeScope(s) {
			p.fail(pos, "%s cannot have the name of its enclosing %s", name, kindName(s))
		}
	}
	p.scope.names[key] = d
}

// isTypeScope: members of these may not share the enclosing type's name.
func isTypeScope(d ast.Decl) bool {
	switch d.(type) {
	case *ast.Struct, *ast.Union, *ast.Exception, *ast.Interface:
		return true
	}
	return false
}

// findIn looks name up in s and, for interfaces and valuetypes, in their bases.
func (p *parser) findIn(s *scope, name string, pos ast.Pos, seen map[*scope]bool) ast.Decl {
	if seen[s] {
		return nil
	}
	seen[s] = true
	if d, ok := s.names[strings.ToLower(name)]; ok {
		if d.Info().Name != name {
			p.fail(pos, "%s does not match the case of %s declared at %s", name, p.describeDecl(d), d.Info().Pos)
		}
		return d
	}
	if it, ok := s.decl.(*ast.Interface); ok {
		for _, b := range it.Bases {
			if bs, ok := p.scopes[b]; ok {
				if d := p.findIn(bs, name, pos, seen); d != nil {
					return d
				}
			}
		}
	}
	return nil
}

// lookup resolves a scoped name: the first component is searched from the
// current scope outwards (or from the root when abs), the rest inside it.
func (p *parser) lookup(parts []string, abs bool, pos ast.Pos) ast.Decl {
	var d ast.Decl
	if abs {
		d = p.findIn(p.root, parts[0], pos, map[*scope]bool{})
	} else {
		for s := p.scope; s != nil && d == nil; s = s.parent {
			d = p.findIn(s, parts[0], pos, map[*scope]bool{})
			if d == nil {
				if s.used == nil {
					s.used = map[string]use{}
				}
				if _, seen := s.used[strings.ToLower(parts[0])]; !seen {
					s.used[strings.ToLower(parts[0])] = use{parts[0], pos}
				}
			}
		}
	}
	if d == nil {
		p.fail(pos, "%s is not declared", joinScoped(parts[:1], abs))
	}
	for i, part := range parts[1:] {
		s, ok := p.scopes[d]
		if !ok {
			p.fail(pos, "%s is a %s, not a scope, so %s cannot be found in it", joinScoped(parts[:i+1], abs), kindName(d), part)
		}
		d = p.findIn(s, part, pos, map[*scope]bool{})
		if d == nil {
			p.fail(pos, "%s is not declared", joinScoped(parts[:i+2], abs))
		}
	}
	return d
}

func joinScoped(parts []string, abs bool) string {
	s := strings.Join(parts, "::")
	if abs {
		return "::" + s
	}
	return s
}

// scopedName reads [::]ident(::ident)* and returns its parts.
func (p *parser) scopedName() ([]string, bool, ast.Pos) {
	pos := p.peek().pos
	abs := p.accept("::")
	var parts []string
	for {
		n, _ := p.ident("a name")
		parts = append(parts, n)
		if !p.accept("::") {
			return parts, abs, pos
		}
	}
}

// resolve reads a scoped name and returns its declaration.
func (p *parser) resolve() (ast.Decl, ast.Pos) {
	parts, abs, pos := p.scopedName()
	return p.lookup(parts, abs, pos), pos
}
