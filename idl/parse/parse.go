// Package parse reads OMG IDL: it preprocesses (#include, #define,
// conditionals, #pragma), tokenizes, parses, resolves every name, evaluates
// constants, checks the semantic rules and computes repository ids the way
// omniidl does. Every problem is an *Error printed as file:line:col: message.
package parse

import (
	"fmt"
	"strings"

	"concord/idl/ast"
)

// Options configure a parse.
type Options struct {
	// IncludeDirs are searched for #include files, in order.
	IncludeDirs []string
	// Defines are predefined macros (name -> value, "" for a bare define).
	Defines map[string]string
	// ReadFile reads a file; nil means os.ReadFile. Tests use it to parse
	// in-memory sources.
	ReadFile func(path string) ([]byte, error)
}

// ParseFile parses the IDL file at path and everything it includes.
func ParseFile(path string, opts Options) (spec *ast.Spec, err error) {
	pp := &preproc{opts: opts, macros: map[string]string{}}
	for k, v := range opts.Defines {
		pp.macros[k] = v
	}
	if perr := pp.file(path, 0, ast.Pos{}); perr != nil {
		return nil, perr
	}
	p := newParser(pp.out, path)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				// A bug in the parser must still give a positioned error, not a crash.
				err = errorf(p.lastPos, "internal error in the IDL parser: %v", r)
				return
			}
			spec, err = nil, p.err
		}
	}()
	return p.spec(), nil
}

// ParseSource parses src as if it were the file name; includes are read
// with opts.ReadFile (or from disk).
func ParseSource(name string, src []byte, opts Options) (*ast.Spec, error) {
	read := opts.ReadFile
	opts.ReadFile = func(path string) ([]byte, error) {
		if path == name {
			return src, nil
		}
		if read == nil {
			return readDisk(path)
		}
		return read(path)
	}
	return ParseFile(name, opts)
}

type parser struct {
	toks    []token
	i       int
	cur     *token // fetched lookahead, nil until needed
	lastPos ast.Pos
	err     *Error
	file    string

	root     *scope
	scope    *scope
	scopes   map[ast.Decl]*scope
	prefixes []string // #pragma prefix stack: one entry per open file and scope
	inline   []ast.Decl
	seqDepth int
	inBound  int // parsing a sequence bound: '>>' ends it
}

func newParser(toks []token, file string) *parser {
	p := &parser{toks: toks, file: file, scopes: map[ast.Decl]*scope{}, prefixes: []string{""}}
	p.root = &scope{names: map[string]ast.Decl{}}
	p.scope = p.root
	// omniidl predeclares CORBA::TypeCode and CORBA::Principal so IDL can
	// name them without including orb.idl; so do we.
	corba := &ast.Module{DeclInfo: ast.DeclInfo{Name: "CORBA", RepoID: "IDL:omg.org/CORBA:1.0"}}
	cs := &scope{decl: corba, parent: p.root, names: map[string]ast.Decl{}}
	p.scopes[corba] = cs
	p.root.names["corba"] = corba
	for _, n := range []string{"TypeCode", "Principal"} {
		cs.names[strings.ToLower(n)] = &builtinType{DeclInfo: ast.DeclInfo{Name: n, Scope: []string{"CORBA"},
			RepoID: "IDL:omg.org/CORBA/" + n + ":1.0"}}
	}
	return p
}

// builtinType is a predeclared CORBA pseudo type.
type builtinType struct{ ast.DeclInfo }

// kind returns the basic kind the builtin stands for.
func (b *builtinType) kind() ast.BasicKind {
	if b.Name == "TypeCode" {
		return ast.TypeCode
	}
	return ast.Principal
}

func (p *parser) fail(pos ast.Pos, format string, args ...any) {
	p.err = errorf(pos, format, args...)
	panic(bailout{})
}

// peek returns the next token; pragmas and file boundaries are consumed
// here, at the exact point of the stream where they appear.
func (p *parser) peek() token {
	for p.cur == nil {
		if p.i >= len(p.toks) {
			p.cur = &token{kind: tEOF, pos: p.lastPos}
			break
		}
		t := p.toks[p.i]
		p.i++
		switch t.kind {
		case tPragma:
			p.pragma(t)
		case tFileEnter:
			p.prefixes = append(p.prefixes, "")
		case tFileExit:
			p.prefixes = p.prefixes[:len(p.prefixes)-1]
		default:
			p.cur = &t
		}
	}
	return *p.cur
}

func (p *parser) next() token {
	t := p.peek()
	p.cur = nil
	p.lastPos = t.pos
	return t
}

// is reports whether the next token is the keyword or punctuation s.
func (p *parser) is(s string) bool {
	t := p.peek()
	return (t.kind == tIdent || t.kind == tPunct) && t.text == s
}

func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(s string) token {
	t := p.peek()
	if !p.is(s) {
		p.fail(t.pos, "expected '%s', got %s", s, t.describe())
	}
	return p.next()
}

var keywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`abstract any attribute boolean case char const context custom
		default double enum exception factory FALSE fixed float in inout interface local long module
		native Object octet oneway out private public raises readonly sequence short string struct
		supports switch TRUE truncatable typedef unsigned union ValueBase valuetype void wchar wstring
		typeid typeprefix getraises setraises import eventtype`) {
		keywords[k] = true
	}
}

// ident reads an identifier, removing the escape underscore ("_Factory" is
// the identifier "Factory" that would otherwise clash with a keyword).
func (p *parser) ident(what string) (string, ast.Pos) {
	t := p.peek()
	if t.kind != tIdent || keywords[t.text] {
		p.fail(t.pos, "expected %s, got %s", what, t.describe())
	}
	p.next()
	return strings.TrimPrefix(t.text, "_"), t.pos
}

// spec parses the whole translation unit.
func (p *parser) spec() *ast.Spec {
	defs := dedupe(p.definitions(""))
	for _, s := range p.scopes {
		if m, ok := s.decl.(*ast.Module); ok {
			m.Defs = dedupe(m.Defs)
		}
	}
	return &ast.Spec{Defs: defs, MainFile: p.file}
}

// prefix is the repository id prefix in force.
func (p *parser) prefix() string { return p.prefixes[len(p.prefixes)-1] }

// repoID builds "IDL:<prefix>/<scoped/name>:1.0" as omniidl does.
func (p *parser) repoID(scoped []string) string {
	id := "IDL:"
	if pre := p.prefix(); pre != "" {
		id += pre + "/"
	}
	return id + strings.Join(scoped, "/") + ":1.0"
}

// info fills the common declaration fields for a new declaration in the current scope.
func (p *parser) info(name string, pos ast.Pos, withID bool) ast.DeclInfo {
	d := ast.DeclInfo{Pos: pos, Name: name, Scope: p.scope.path()}
	if withID {
		d.RepoID = p.repoID(append(p.scope.path(), name))
	}
	return d
}

// pragma handles #pragma prefix, ID and version; other pragmas (omniORB's
// "hh", javaPackage...) belong to other compilers and are ignored.
func (p *parser) pragma(t token) {
	if w, _ := splitWord(t.text); w != "prefix" && w != "ID" && w != "version" {
		return
	}
	toks, err := lexLine(t.text, t.pos.File, t.pos.Line)
	if err != nil {
		p.err = err
		panic(bailout{})
	}
	for i := range toks {
		toks[i].pos.Col += t.pos.Col + len("#pragma ") - 1
	}
	if len(toks) == 0 || toks[0].kind != tIdent {
		return
	}
	args := toks[1:]
	switch toks[0].text {
	case "prefix":
		if len(args) != 1 || args[0].kind != tString {
			p.fail(t.pos, "#pragma prefix needs one string literal")
		}
		p.prefixes[len(p.prefixes)-1] = args[0].text
	case "ID":
		d, rest := p.pragmaTarget(t, args)
		if len(rest) != 1 || rest[0].kind != tString {
			p.fail(t.pos, "#pragma ID needs a name and a string literal")
		}
		p.setRepoID(d, rest[0].text, t.pos)
	case "version":
		d, rest := p.pragmaTarget(t, args)
		if len(rest) != 1 || rest[0].kind != tFloat || !validVersion(rest[0].text) {
			p.fail(t.pos, "#pragma version needs a name and a version <major>.<minor>")
		}
		p.setVersion(d, rest[0].text, t.pos)
	}
}

func validVersion(v string) bool {
	maj, min, ok := strings.Cut(v, ".")
	return ok && maj != "" && min != "" && !strings.ContainsAny(v, "eE")
}

// pragmaTarget resolves the scoped name at the start of a pragma's arguments.
func (p *parser) pragmaTarget(t token, args []token) (ast.Decl, []token) {
	var parts []string
	abs := false
	i := 0
	if i < len(args) && args[i].text == "::" {
		abs = true
		i++
	}
	for i < len(args) && args[i].kind == tIdent {
		parts = append(parts, strings.TrimPrefix(args[i].text, "_"))
		i++
		if i < len(args) && args[i].text == "::" {
			i++
			continue
		}
		break
	}
	if len(parts) == 0 {
		p.fail(t.pos, "#pragma needs the name of a declaration")
	}
	return p.lookup(parts, abs, t.pos), args[i:]
}

func (p *parser) setRepoID(d ast.Decl, id string, pos ast.Pos) {
	info := d.Info()
	if info.RepoID == "" {
		p.fail(pos, "%s has no repository id", info.Name)
	}
	if !strings.Contains(id, ":") {
		p.fail(pos, "repository id %q has no format prefix (like IDL:)", id)
	}
	info.RepoID = id
}

func (p *parser) setVersion(d ast.Decl, v string, pos ast.Pos) {
	info := d.Info()
	if !strings.HasPrefix(info.RepoID, "IDL:") {
		p.fail(pos, "#pragma version on %s, whose repository id %q is not in IDL format", info.Name, info.RepoID)
	}
	i := strings.LastIndexByte(info.RepoID, ':')
	info.RepoID = info.RepoID[:i+1] + v
}

func (p *parser) describeDecl(d ast.Decl) string {
	return fmt.Sprintf("%s %s", kindName(d), "::"+strings.Join(d.Info().Scoped(), "::"))
}

func kindName(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.Module:
		return "module"
	case *ast.Interface:
		return "interface"
	case *ast.Operation:
		return "operation"
	case *ast.Attribute:
		return "attribute"
	case *ast.Const:
		return "constant"
	case *ast.Typedef:
		return "typedef"
	case *ast.Struct:
		return "struct"
	case *ast.Exception:
		return "exception"
	case *ast.Enum:
		return "enum"
	case *ast.Enumerator:
		return "enumerator"
	case *ast.Union:
		return "union"
	case *ast.Native:
		return "native type"
	case *ast.ValueType:
		return d.Kind
	case *ast.StateMember:
		return "state member"
	case *ast.Initializer:
		return "factory"
	case *builtinType:
		return "type"
	}
	return "declaration"
}

// dedupe keeps the last occurrence of each declaration: a forward-declared
// interface, struct or union is listed again where it is defined.
func dedupe(defs []ast.Decl) []ast.Decl {
	last := map[ast.Decl]int{}
	for i, d := range defs {
		last[d] = i
	}
	out := defs[:0:0]
	for i, d := range defs {
		if last[d] == i {
			out = append(out, d)
		}
	}
	return out
}
