package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"concord/idl/ast"
)

// maxIncludeDepth stops include cycles that lack guards.
const maxIncludeDepth = 64

// preproc runs the C-style preprocessor IDL uses and produces the token
// stream: #include (with search dirs), object-like #define, conditionals
// (#ifdef, #ifndef, #if with defined(), #elif, #else, #endif) and #pragma,
// which is passed on to the parser as a token because its meaning depends
// on the scope it appears in.
type preproc struct {
	opts   Options
	macros map[string]string
	out    []token
}

type condFrame struct {
	pos      ast.Pos
	active   bool // lines in this branch are kept
	taken    bool // some branch of this #if was active
	parentOn bool
	sawElse  bool
}

func (p *preproc) readFile(path string) ([]byte, error) {
	if p.opts.ReadFile != nil {
		return p.opts.ReadFile(path)
	}
	return os.ReadFile(path)
}

// file preprocesses one file, appending its tokens.
func (p *preproc) file(path string, depth int, from ast.Pos) *Error {
	if depth > maxIncludeDepth {
		return errorf(from, "#include nested more than %d deep (an include cycle without a guard?)", maxIncludeDepth)
	}
	src, err := p.readFile(path)
	if err != nil {
		if depth == 0 {
			return errorf(ast.Pos{File: path, Line: 1, Col: 1}, "cannot read: %v", err)
		}
		return errorf(from, "cannot read included file %s: %v", path, err)
	}
	clean, perr := stripComments(src, path)
	if perr != nil {
		return perr
	}
	lines := strings.Split(string(clean), "\n")
	var conds []condFrame
	active := func() bool { return len(conds) == 0 || conds[len(conds)-1].active }
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := lines[i]
		trim := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(trim, "#") {
			if !active() {
				continue
			}
			toks, lerr := lexLine(line, path, lineNo)
			if lerr != nil {
				return lerr
			}
			if err := p.expand(toks, 0); err != nil {
				return err
			}
			continue
		}
		// Directive lines may continue with a trailing backslash.
		for strings.HasSuffix(strings.TrimRight(line, " \t\r"), "\\") && i+1 < len(lines) {
			line = strings.TrimSuffix(strings.TrimRight(line, " \t\r"), "\\") + " " + lines[i+1]
			i++
		}
		col := len(line) - len(strings.TrimLeft(line, " \t")) + 1
		pos := ast.Pos{File: path, Line: lineNo, Col: col}
		body := strings.TrimSpace(strings.TrimLeft(line, " \t")[1:])
		name, rest := splitWord(body)
		switch name {
		case "ifdef", "ifndef":
			macro, _ := splitWord(rest)
			on := false
			if active() {
				if macro == "" {
					return errorf(pos, "#%s without a macro name", name)
				}
				_, def := p.macros[macro]
				on = def == (name == "ifdef")
			}
			conds = append(conds, condFrame{pos: pos, active: on, taken: on, parentOn: active()})
		case "if":
			on := false
			if active() {
				v, err := p.evalIf(rest, pos)
				if err != nil {
					return err
				}
				on = v
			}
			conds = append(conds, condFrame{pos: pos, active: on, taken: on, parentOn: active()})
		case "elif":
			if len(conds) == 0 {
				return errorf(pos, "#elif without #if")
			}
			f := &conds[len(conds)-1]
			if f.sawElse {
				return errorf(pos, "#elif after #else")
			}
			f.active = false
			if f.parentOn && !f.taken {
				v, err := p.evalIf(rest, pos)
				if err != nil {
					return err
				}
				f.active, f.taken = v, v
			}
		case "else":
			if len(conds) == 0 {
				return errorf(pos, "#else without #if")
			}
			f := &conds[len(conds)-1]
			if f.sawElse {
				return errorf(pos, "#else after #else")
			}
			f.sawElse = true
			f.active = f.parentOn && !f.taken
			f.taken = true
		case "endif":
			if len(conds) == 0 {
				return errorf(pos, "#endif without #if")
			}
			conds = conds[:len(conds)-1]
		default:
			if !active() {
				continue
			}
			if err := p.directive(name, rest, pos, path, depth); err != nil {
				return err
			}
		}
	}
	if len(conds) > 0 {
		return errorf(conds[len(conds)-1].pos, "unterminated conditional: #endif missing")
	}
	return nil
}

// directive handles the directives that act only in active lines.
func (p *preproc) directive(name, rest string, pos ast.Pos, path string, depth int) *Error {
	switch name {
	case "include":
		target, err := p.includePath(rest, pos, path)
		if err != nil {
			return err
		}
		p.out = append(p.out, token{kind: tFileEnter, text: target, pos: pos})
		if err := p.file(target, depth+1, pos); err != nil {
			return err
		}
		p.out = append(p.out, token{kind: tFileExit, text: target, pos: pos})
	case "define":
		macro, body := splitWord(rest)
		if macro == "" || !isIdentStart(macro[0]) {
			return errorf(pos, "#define needs a macro name")
		}
		if i := strings.IndexByte(macro, '('); i >= 0 {
			return errorf(pos, "function-like macro %s is not supported", macro[:i])
		}
		p.macros[macro] = body
	case "undef":
		macro, _ := splitWord(rest)
		delete(p.macros, macro)
	case "pragma":
		p.out = append(p.out, token{kind: tPragma, text: rest, pos: pos})
	case "error":
		return errorf(pos, "#error %s", rest)
	case "warning", "line", "":
		// Harmless: nothing to do for an IDL compiler.
	default:
		if _, err := fmt.Sscanf(name, "%d", new(int)); err == nil {
			return nil // "# 12 file" line markers from an external cpp
		}
		return errorf(pos, "unknown preprocessor directive #%s", name)
	}
	return nil
}

// includePath finds an included file: "x" in the including file's
// directory first, then the -I directories; <x> in the -I directories only.
func (p *preproc) includePath(rest string, pos ast.Pos, from string) (string, *Error) {
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 {
		return "", errorf(pos, "#include needs \"file\" or <file>")
	}
	var name string
	local := rest[0] == '"'
	switch {
	case local && strings.IndexByte(rest[1:], '"') >= 0:
		name = rest[1 : 1+strings.IndexByte(rest[1:], '"')]
	case rest[0] == '<' && strings.IndexByte(rest, '>') > 0:
		name = rest[1:strings.IndexByte(rest, '>')]
	default:
		return "", errorf(pos, "#include needs \"file\" or <file>, got %s", rest)
	}
	var dirs []string
	if local {
		dirs = append(dirs, filepath.Dir(from))
	}
	dirs = append(dirs, p.opts.IncludeDirs...)
	if filepath.IsAbs(name) {
		dirs = []string{""}
	}
	for _, d := range dirs {
		c := filepath.Join(d, name)
		if _, err := p.readFile(c); err == nil {
			return c, nil
		}
	}
	return "", errorf(pos, "included file %s not found (searched %s)", name, strings.Join(dirs, ", "))
}

// expand appends toks, replacing identifiers that name object-like macros.
func (p *preproc) expand(toks []token, depth int) *Error {
	for _, t := range toks {
		body, ok := p.macros[t.text]
		if t.kind != tIdent || !ok {
			p.out = append(p.out, t)
			continue
		}
		if depth > 32 {
			return errorf(t.pos, "macro %s expands recursively", t.text)
		}
		sub, err := lexLine(body, t.pos.File, t.pos.Line)
		if err != nil {
			return errorf(t.pos, "in expansion of macro %s: %s", t.text, err.Msg)
		}
		for i := range sub {
			sub[i].pos = t.pos // errors point at the use, not the definition
		}
		if err := p.expand(sub, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func splitWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
