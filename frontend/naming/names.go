package naming

import (
	"fmt"
	"strings"

	"concord/giop/cdr"
)

// Component is a CosNaming::NameComponent.
type Component struct{ ID, Kind string }

// Name is a CosNaming::Name.
type Name []Component

func readName(d *cdr.Decoder) Name {
	n := d.ReadSeqLen(8) // two empty strings at least
	name := make(Name, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		name = append(name, Component{ID: d.ReadString(), Kind: d.ReadString()})
	}
	return name
}

func writeName(e *cdr.Encoder, n Name) {
	e.WriteULong(uint32(len(n)))
	for _, c := range n {
		e.WriteString(c.ID)
		e.WriteString(c.Kind)
	}
}

// valid reports whether n may be resolved or bound (CosNaming 2.1: no empty
// name, no component with both fields empty).
func (n Name) valid() bool {
	if len(n) == 0 {
		return false
	}
	for _, c := range n {
		if c.ID == "" && c.Kind == "" {
			return false
		}
	}
	return true
}

// String is the stringified name of CosNaming 2.4: "id.kind/id.kind", with
// '/', '.' and '\' escaped by a backslash.
func (n Name) String() string {
	var b strings.Builder
	for i, c := range n {
		if i > 0 {
			b.WriteByte('/')
		}
		escape(&b, c.ID)
		if c.Kind != "" || c.ID == "" {
			b.WriteByte('.')
			escape(&b, c.Kind)
		}
	}
	return b.String()
}

func escape(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == '.' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
}

// ParseName parses a stringified name (the inverse of Name.String).
func ParseName(s string) (Name, error) {
	if s == "" {
		return nil, fmt.Errorf("naming: empty name")
	}
	var name Name
	var cur [2]strings.Builder // id, kind
	field, dots := 0, 0
	flush := func() error {
		c := Component{ID: cur[0].String(), Kind: cur[1].String()}
		if c.ID == "" && c.Kind == "" && dots == 0 {
			return fmt.Errorf("naming: empty component in %q", s)
		}
		name = append(name, c)
		cur[0].Reset()
		cur[1].Reset()
		field, dots = 0, 0
		return nil
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("naming: trailing backslash in %q", s)
			}
			i++
			cur[field].WriteByte(s[i])
		case '.':
			if dots++; dots > 1 {
				return nil, fmt.Errorf("naming: more than one unescaped '.' in a component of %q", s)
			}
			field = 1
		case '/':
			if err := flush(); err != nil {
				return nil, err
			}
		default:
			cur[field].WriteByte(ch)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return name, nil
}

// urlEscape escapes a stringified name for a corbaname URL (RFC 2396: keep
// alphanumerics and the unreserved and reserved marks CosNaming 2.5.3 allows).
func urlEscape(s string) string {
	const keep = ";/:?@&=+$,-_.!~*'()"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
