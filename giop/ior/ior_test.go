package ior

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
)

func TestNewIORRoundTrip(t *testing.T) {
	r := New("IDL:Bench/Echo:1.0", Address{"127.0.0.1", 2809}, []byte("Echo"), Address{"::1", 2810})
	s := r.String()
	require.True(t, strings.HasPrefix(s, "IOR:"))
	back, err := Parse(strings.ToLower(s[:3]) + s[3:])
	require.NoError(t, err)
	assert.Equal(t, r, back)

	ps, err := back.IIOPProfiles()
	require.NoError(t, err)
	require.Len(t, ps, 1)
	p := ps[0]
	assert.Equal(t, uint8(2), p.Minor)
	assert.Equal(t, []byte("Echo"), p.ObjectKey)
	assert.Equal(t, []Address{{"127.0.0.1", 2809}, {"::1", 2810}}, p.Addresses())
	cs, ok := p.CodeSets()
	require.True(t, ok)
	assert.Equal(t, DefaultCodeSetInfo, cs)
}

// An IIOP 1.0 profile has no components; a little-endian encapsulation must
// decode too (omniORB writes its IORs little-endian on x86).
func TestParseIIOP10LittleEndianProfile(t *testing.T) {
	e := cdr.NewEncoder(true)
	e.WriteBoolean(true)
	e.WriteOctet(1)
	e.WriteOctet(0)
	e.WriteString("host.example")
	e.WriteUShort(1234)
	e.WriteOctetSeq([]byte{0, 1, 2})
	p, err := ParseIIOPProfile(e.Bytes())
	require.NoError(t, err)
	assert.Equal(t, &IIOPProfile{Major: 1, Minor: 0, Host: "host.example", Port: 1234, ObjectKey: []byte{0, 1, 2}}, p)
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"no prefix":      "0000",
		"odd hex":        "IOR:000",
		"bad hex":        "IOR:zz",
		"truncated":      "IOR:00000000",
		"huge type len":  "IOR:00ffffffff",
		"bad byte order": "IOR:05",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(in)
			require.Error(t, err)
		})
	}
	_, err := (&IOR{TypeID: "IDL:x:1.0"}).IIOPProfiles()
	assert.ErrorContains(t, err, "no IIOP profile")
}

func TestParseCorbaloc(t *testing.T) {
	cases := []struct {
		in   string
		want *Corbaloc
	}{
		{"corbaloc:iiop:1.2@127.0.0.1:2809/NameService", &Corbaloc{Addrs: []CorbalocAddr{{1, 2, Address{"127.0.0.1", 2809}}}, Key: []byte("NameService")}},
		{"corbaloc::host/Echo", &Corbaloc{Addrs: []CorbalocAddr{{1, 0, Address{"host", 2809}}}, Key: []byte("Echo")}},
		{"corbaloc:iiop:1.1@a:1,:b:2,iiop:[::1]:3/%00key%2f", &Corbaloc{Addrs: []CorbalocAddr{
			{1, 1, Address{"a", 1}}, {1, 0, Address{"b", 2}}, {1, 0, Address{"::1", 3}}}, Key: []byte("\x00key/")}},
	}
	for _, c := range cases {
		got, err := ParseCorbaloc(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	bad := []string{"corbaname::h/x", "corbaloc::h", "corbaloc:rir:/NameService", "corbaloc:http:h/x",
		"corbaloc:iiop:2.0@h/x", "corbaloc:iiop:1.2@h:0/x", "corbaloc:iiop:1.2@h:99999/x", "corbaloc::h/%4", "corbaloc::h/%zz", "corbaloc::/x"}
	for _, in := range bad {
		_, err := ParseCorbaloc(in)
		assert.Error(t, err, in)
	}
}

func TestCorbalocURLEscapesKey(t *testing.T) {
	u := CorbalocURL(1, 2, Address{"127.0.0.1", 2809}, []byte{'E', 0, ' '})
	assert.Equal(t, "corbaloc:iiop:1.2@127.0.0.1:2809/E%00%20", u)
	loc, err := ParseCorbaloc(u)
	require.NoError(t, err)
	assert.Equal(t, []byte{'E', 0, ' '}, loc.Key)
}
