package ior

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultCorbalocPort is the IANA port for corbaloc when none is given.
const DefaultCorbalocPort = 2809

// CorbalocAddr is one iiop address of a corbaloc URL.
type CorbalocAddr struct {
	Major, Minor uint8 // GIOP version; 1.0 when the URL names none
	Address
}

// Corbaloc is a parsed corbaloc URL.
type Corbaloc struct {
	Addrs []CorbalocAddr
	Key   []byte
}

// ParseCorbaloc parses "corbaloc:[iiop]:[major.minor@]host[:port][,...]/key".
// A missing version means GIOP 1.0, as omniORB and JacORB read it; the key is
// %-unescaped. rir addresses are refused: there is no local ORB to ask.
func ParseCorbaloc(s string) (*Corbaloc, error) {
	const scheme = "corbaloc:"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return nil, fmt.Errorf("corbaloc: URL must start with %q", scheme)
	}
	rest := s[len(scheme):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return nil, fmt.Errorf("corbaloc: %q has no object key (missing '/')", s)
	}
	addrList, keyStr := rest[:slash], rest[slash+1:]
	key, err := unescapeKey(keyStr)
	if err != nil {
		return nil, err
	}
	loc := &Corbaloc{Key: key}
	for _, a := range strings.Split(addrList, ",") {
		ca, err := parseCorbalocAddr(a)
		if err != nil {
			return nil, err
		}
		loc.Addrs = append(loc.Addrs, ca)
	}
	return loc, nil
}

func parseCorbalocAddr(a string) (CorbalocAddr, error) {
	var proto string
	switch {
	case strings.HasPrefix(a, "iiop:"):
		proto, a = "iiop", a[len("iiop:"):]
	case strings.HasPrefix(a, ":"):
		proto, a = "iiop", a[1:]
	case strings.HasPrefix(a, "rir:"):
		return CorbalocAddr{}, fmt.Errorf("corbaloc: rir addresses are not supported")
	default:
		return CorbalocAddr{}, fmt.Errorf("corbaloc: address %q: unknown protocol (want iiop)", a)
	}
	_ = proto
	ca := CorbalocAddr{Major: 1, Minor: 0}
	if at := strings.IndexByte(a, '@'); at >= 0 {
		v := a[:at]
		a = a[at+1:]
		maj, min, ok := strings.Cut(v, ".")
		mj, err1 := strconv.ParseUint(maj, 10, 8)
		mn, err2 := strconv.ParseUint(min, 10, 8)
		if !ok || err1 != nil || err2 != nil || mj != 1 || mn > 2 {
			return CorbalocAddr{}, fmt.Errorf("corbaloc: bad or unsupported GIOP version %q", v)
		}
		ca.Major, ca.Minor = uint8(mj), uint8(mn)
	}
	host, portStr := a, ""
	if strings.HasPrefix(a, "[") { // IPv6 literal
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return CorbalocAddr{}, fmt.Errorf("corbaloc: unterminated IPv6 address %q", a)
		}
		host, portStr = a[1:end], strings.TrimPrefix(a[end+1:], ":")
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, portStr = a[:i], a[i+1:]
	}
	if host == "" {
		return CorbalocAddr{}, fmt.Errorf("corbaloc: empty host")
	}
	ca.Host, ca.Port = host, DefaultCorbalocPort
	if portStr != "" {
		p, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil || p == 0 {
			return CorbalocAddr{}, fmt.Errorf("corbaloc: bad port %q", portStr)
		}
		ca.Port = uint16(p)
	}
	return ca, nil
}

func unescapeKey(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return nil, fmt.Errorf("corbaloc: truncated %%-escape in key")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("corbaloc: bad %%-escape %q in key", s[i:i+3])
		}
		out = append(out, byte(v))
		i += 2
	}
	return out, nil
}

// EscapeKey %-escapes an object key for use in a corbaloc URL.
func EscapeKey(key []byte) string {
	var b strings.Builder
	for _, c := range key {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(";/:?@&=+$,-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// CorbalocURL formats a corbaloc URL for one address and key.
func CorbalocURL(major, minor uint8, a Address, key []byte) string {
	host := a.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("corbaloc:iiop:%d.%d@%s:%d/%s", major, minor, host, a.Port, EscapeKey(key))
}
