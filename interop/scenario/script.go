package scenario

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Call is one line of a scenario file.
type Call struct {
	Line    int    // 1-based line number in the file
	Bind    string // name the result is kept under ("" = not kept)
	Service string
	Op      string
	Args    []string // raw tokens; a quoted token keeps its quotes
}

// ParseFile reads a scenario file.
func ParseFile(path string) ([]Call, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	calls, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return calls, nil
}

// Parse reads a scenario; errors name the line.
func Parse(r io.Reader) ([]Call, error) {
	var calls []Call
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, err := Tokenize(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		c := Call{Line: n}
		if len(t) > 1 && t[1] == "=" {
			c.Bind, t = t[0], t[2:]
		}
		if len(t) < 2 {
			return nil, fmt.Errorf("line %d: want [NAME =] SERVICE OPERATION ARG...", n)
		}
		c.Service, c.Op, c.Args = t[0], t[1], t[2:]
		calls = append(calls, c)
	}
	return calls, sc.Err()
}

// Tokenize splits a line on blanks; a "quoted" token (which may hold blanks
// and \" \\ \uXXXX escapes) keeps its quotes so it is always a string.
func Tokenize(line string) ([]string, error) {
	var out []string
	rs := []rune(line)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		start := i
		if rs[i] == '"' {
			i++
			for i < len(rs) && rs[i] != '"' {
				if rs[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(rs) {
				return nil, fmt.Errorf("unterminated string %s", string(rs[start:]))
			}
			i++
		} else {
			for i < len(rs) && !unicode.IsSpace(rs[i]) {
				i++
			}
		}
		out = append(out, string(rs[start:i]))
	}
	return out, nil
}

// IsQuoted reports whether a token is a "quoted string".
func IsQuoted(tok string) bool {
	return len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"'
}

// Unquote turns a "quoted" token into its string, undoing \" \\ and \uXXXX
// (UTF-16 units, so a surrogate pair is two escapes). Anything else after a
// backslash is kept as written, as the Java and Python runners do.
func Unquote(tok string) string {
	if !IsQuoted(tok) {
		return tok
	}
	s := []rune(tok[1 : len(tok)-1])
	var units []uint16
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch n := s[i+1]; {
			case n == 'u' && i+5 < len(s):
				if u, err := strconv.ParseUint(string(s[i+2:i+6]), 16, 16); err == nil {
					units = append(units, uint16(u))
					i += 5
					continue
				}
			case n == '\\' || n == '"':
				units = append(units, uint16(n))
				i++
				continue
			}
		}
		units = utf16.AppendRune(units, s[i])
	}
	return string(utf16.Decode(units))
}
