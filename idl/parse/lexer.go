package parse

import (
	"strings"

	"concord/idl/ast"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tFloat
	tFixed
	tChar
	tWChar
	tString
	tWString
	tPunct
	tPragma    // text: the pragma line after "#pragma"
	tFileEnter // text: the file's path
	tFileExit
)

var tokNames = [...]string{"end of file", "identifier", "integer literal", "floating-point literal",
	"fixed-point literal", "character literal", "wide character literal", "string literal",
	"wide string literal", "punctuation", "#pragma", "file start", "file end"}

// token is one lexical token. For literals text is the decoded value
// (strings, chars) or the literal's source text (numbers).
type token struct {
	kind tokKind
	text string
	pos  ast.Pos
}

func (t token) describe() string {
	switch t.kind {
	case tIdent, tPunct:
		return "'" + t.text + "'"
	case tEOF:
		return "end of file"
	}
	return tokNames[t.kind]
}

// stripComments blanks out comments, keeping every newline and column, so
// later stages can work line by line with exact positions.
func stripComments(src []byte, file string) ([]byte, *Error) {
	out := append([]byte(nil), src...)
	line, col := 1, 1
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == '"' || c == '\'':
			// Skip a literal so a "//" inside it is not a comment.
			j := i + 1
			for j < len(out) && out[j] != c && out[j] != '\n' {
				if out[j] == '\\' && j+1 < len(out) && out[j+1] != '\n' {
					j++
				}
				j++
			}
			if j < len(out) && out[j] == c {
				j++
			}
			col += j - i
			i = j
			continue
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for i < len(out) && out[i] != '\n' {
				out[i] = ' '
				i++
			}
			continue
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			startLine, startCol := line, col
			out[i], out[i+1] = ' ', ' '
			i += 2
			col += 2
			closed := false
			for i < len(out) {
				if out[i] == '*' && i+1 < len(out) && out[i+1] == '/' {
					out[i], out[i+1] = ' ', ' '
					i += 2
					col += 2
					closed = true
					break
				}
				if out[i] == '\n' {
					line++
					col = 1
				} else {
					out[i] = ' '
					col++
				}
				i++
			}
			if !closed {
				return nil, errorf(ast.Pos{File: file, Line: startLine, Col: startCol}, "unterminated comment")
			}
			continue
		case c == '\n':
			line++
			col = 1
			i++
			continue
		}
		col++
		i++
	}
	return out, nil
}

// lexLine splits one source line (comments already removed) into tokens.
func lexLine(s string, file string, line int) ([]token, *Error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		pos := ast.Pos{File: file, Line: line, Col: i + 1}
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == 'L' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\''):
			t, n, err := lexQuoted(s[i+1:], pos, true)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += 1 + n
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			toks = append(toks, token{tIdent, s[i:j], pos})
			i = j
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			t, n, err := lexNumber(s[i:], pos)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += n
		case c == '"' || c == '\'':
			t, n, err := lexQuoted(s[i:], pos, false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += n
		default:
			if i+1 < len(s) {
				two := s[i : i+2]
				if two == "::" || two == "<<" || two == ">>" {
					toks = append(toks, token{tPunct, two, pos})
					i += 2
					continue
				}
			}
			if strings.IndexByte(";{}()<>,=:[]+-*/%~|^&", c) < 0 {
				if c < 0x20 || c >= 0x7f {
					return nil, errorf(pos, "unexpected character %#02x", c)
				}
				return nil, errorf(pos, "unexpected character %q", c)
			}
			toks = append(toks, token{tPunct, string(c), pos})
			i++
		}
	}
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// lexNumber reads an integer, floating-point or fixed-point literal; the
// value is parsed later by the constant evaluator.
func lexNumber(s string, pos ast.Pos) (token, int, *Error) {
	i := 0
	if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		i = 2
		for i < len(s) && isHex(s[i]) {
			i++
		}
		if i == 2 {
			return token{}, 0, errorf(pos, "hexadecimal literal without digits")
		}
		if i < len(s) && isIdentChar(s[i]) {
			return token{}, 0, errorf(pos, "malformed number %q", s[:i+1])
		}
		return token{tInt, s[:i], pos}, i, nil
	}
	kind := tInt
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		kind = tFloat
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		kind = tFloat
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return token{}, 0, errorf(pos, "malformed exponent in %q", s[:i])
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'd' || s[i] == 'D') && !strings.ContainsAny(s[:i], "eE") {
		return token{tFixed, s[:i], pos}, i + 1, nil
	}
	if i < len(s) && isIdentChar(s[i]) {
		return token{}, 0, errorf(pos, "malformed number %q", s[:i+1])
	}
	if kind == tInt && len(s[:i]) > 1 && s[0] == '0' {
		for _, c := range s[1:i] {
			if c > '7' {
				return token{}, 0, errorf(pos, "malformed octal literal %q", s[:i])
			}
		}
	}
	return token{kind, s[:i], pos}, i, nil
}

// lexQuoted reads a string or character literal starting at s[0] (a quote)
// and decodes its escapes. The decoded string is UTF-8.
func lexQuoted(s string, pos ast.Pos, wide bool) (token, int, *Error) {
	q := s[0]
	var b strings.Builder
	i := 1
	for {
		if i >= len(s) {
			if q == '"' {
				return token{}, 0, errorf(pos, "unterminated string literal")
			}
			return token{}, 0, errorf(pos, "unterminated character literal")
		}
		c := s[i]
		if c == q {
			i++
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		r, n, err := lexEscape(s[i:], pos, wide)
		if err != nil {
			return token{}, 0, err
		}
		if r == 0 && q == '"' {
			return token{}, 0, errorf(pos, "string literal contains a NUL character")
		}
		b.WriteRune(rune(r)) // narrow escapes above 0x7f are ISO 8859-1 code points
		i += n
	}
	text := b.String()
	kind := tString
	switch {
	case q == '\'' && wide:
		kind = tWChar
	case q == '\'':
		kind = tChar
	case wide:
		kind = tWString
	}
	if q == '\'' && len([]rune(text)) != 1 {
		return token{}, 0, errorf(pos, "character literal must hold exactly one character")
	}
	return token{kind, text, pos}, i, nil
}

// lexEscape decodes one escape sequence at s[0] == '\\'.
func lexEscape(s string, pos ast.Pos, wide bool) (int, int, *Error) {
	if len(s) < 2 {
		return 0, 0, errorf(pos, "unterminated escape sequence")
	}
	switch s[1] {
	case 'n':
		return '\n', 2, nil
	case 't':
		return '\t', 2, nil
	case 'v':
		return '\v', 2, nil
	case 'b':
		return '\b', 2, nil
	case 'r':
		return '\r', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'a':
		return '\a', 2, nil
	case '\\', '?', '\'', '"':
		return int(s[1]), 2, nil
	case 'x':
		v, i := 0, 2
		for i < len(s) && i < 4 && isHex(s[i]) {
			v = v*16 + hexVal(s[i])
			i++
		}
		if i == 2 {
			return 0, 0, errorf(pos, "\\x escape without hex digits")
		}
		return v, i, nil
	case 'u':
		if !wide {
			return 0, 0, errorf(pos, "\\u escape is only allowed in wide literals")
		}
		v, i := 0, 2
		for i < len(s) && i < 6 && isHex(s[i]) {
			v = v*16 + hexVal(s[i])
			i++
		}
		if i == 2 {
			return 0, 0, errorf(pos, "\\u escape without hex digits")
		}
		return v, i, nil
	}
	if s[1] >= '0' && s[1] <= '7' {
		v, i := 0, 1
		for i < len(s) && i < 4 && s[i] >= '0' && s[i] <= '7' {
			v = v*8 + int(s[i]-'0')
			i++
		}
		if v > 255 {
			return 0, 0, errorf(pos, "octal escape out of range")
		}
		return v, i, nil
	}
	return 0, 0, errorf(pos, "unknown escape sequence \\%c", s[1])
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}
