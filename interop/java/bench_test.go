package javainterop

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/ior"
	"concord/giop/orb"
	"concord/internal/benchecho"
	"concord/interop/java/interoptest"
)

// hundredKB is above every ORB's fragmentation threshold (JacORB, omniORB,
// GlassFish), so the 100 KB echo exercises fragments both ways.
const hundredKB = 100 * 1024

// TestJavaClientCallsConcord runs the Java BenchClient with JacORB and with
// the GlassFish ORB against `concord bench-server`: by IOR file (GIOP 1.2
// with code set negotiation), and by corbaloc without a version (GIOP 1.0
// to JacORB and GlassFish), 1.1 and 1.2.
func TestJavaClientCallsConcord(t *testing.T) {
	cp := javaBuild(t)
	iorFile, addr := benchServer(t)
	loc := func(version string) string {
		return fmt.Sprintf("corbaloc:iiop:%s%s/%s", version, addr, benchecho.ObjectKey)
	}
	basic := []interoptest.EchoCall{
		interoptest.Ping(),
		interoptest.Add(2, 3),
		interoptest.Add(math.MaxInt32, 1),
		interoptest.Add(-7, -8),
		interoptest.EchoString("hello"),
		interoptest.EchoString(""),
		interoptest.EchoString(`quote " and \ backslash`),
		interoptest.EchoString("caf\u00e9"), // ISO-8859-1, the GIOP 1.0 default code set
		interoptest.EchoLen(hundredKB),
	}
	cases := []struct {
		name  string
		ref   string
		calls []interoptest.EchoCall
	}{
		// The IOR carries code set components: UTF-8 is negotiated, so
		// characters outside Latin-1 travel too.
		{"ior-file", "file:" + iorFile, append(basic, interoptest.EchoString("\u20ac \u4e2d\u6587"))},
		{"corbaloc-no-version", loc(""), basic},
		{"corbaloc-1.1", loc("1.1@"), basic},
		{"corbaloc-1.2", loc("1.2@"), basic},
	}
	// One Java run per ORB covers every case (GlassFish takes seconds to
	// start); its output is cut at the "ref" lines and checked per case.
	var args []string
	for _, tc := range cases {
		args = append(append(args, tc.ref), interoptest.Specs(tc.calls)...)
	}
	for _, orbName := range []string{"jacorb", "glassfish"} {
		t.Run(orbName, func(t *testing.T) {
			out, err := runJava(t, cp, orbName, "BenchClient", args...)
			require.NoError(t, err)
			got := interoptest.SplitRefs(out)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					assert.Equal(t, interoptest.Wants(tc.calls), got[tc.ref])
				})
			}
		})
	}
}

// TestConcordClientCallsJavaServer points concord's Go client at a JacORB
// and at a GlassFish server: both marshal big-endian, so this proves our
// big-endian decoding, in GIOP 1.0, 1.1 and 1.2.
func TestConcordClientCallsJavaServer(t *testing.T) {
	cp := javaBuild(t)
	big := strings.Repeat("abcdefghijklmnopqrstuvwxyz", hundredKB/26)
	ascii := []string{"", "hello", big}
	servers := []struct {
		orb string
		// unnegotiated: the strings it gets right over GIOP 1.0/1.1 without
		// a code set negotiation.
		unnegotiated []string
	}{
		// JacORB 3.9 reads char data of a connection without a negotiated
		// code set as UTF-8, not the ISO-8859-1 the CORBA spec makes the
		// default: Latin-1 text arrives as U+FFFD (see README.md).
		{"jacorb", ascii},
		{"glassfish", append(ascii, "caf\u00e9")},
	}
	for _, srv := range servers {
		t.Run(srv.orb, func(t *testing.T) {
			ref := javaServer(t, cp, srv.orb)
			key, addr := iorKeyAddress(t, ref)
			client := orb.NewClient(orb.ClientConfig{DialTimeout: 5 * time.Second})
			t.Cleanup(func() { _ = client.Close() })
			cases := []struct {
				name    string
				ref     string
				strings []string
			}{
				{"ior", ref, append(ascii, "caf\u00e9", "\u20ac \u4e2d\u6587")},
				{"corbaloc-1.0", ior.CorbalocURL(1, 0, addr, key), srv.unnegotiated},
				{"corbaloc-1.1", ior.CorbalocURL(1, 1, addr, key), srv.unnegotiated},
				{"corbaloc-1.2", ior.CorbalocURL(1, 2, addr, key), append(ascii, "caf\u00e9")},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) { callEcho(t, client, tc.ref, tc.strings) })
			}
		})
	}
}

// callEcho makes every Bench::Echo call through ref and checks the answers.
func callEcho(t *testing.T, client *orb.Client, ref string, strs []string) {
	obj, err := client.StringToObject(ref)
	require.NoError(t, err)
	stub := benchecho.Stub{Ref: obj}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	require.NoError(t, stub.Ping(ctx))
	for _, ab := range [][2]int32{{2, 3}, {math.MaxInt32, 1}, {-7, -8}, {0x01020304, 0x10203040}} {
		sum, err := stub.Add(ctx, ab[0], ab[1])
		require.NoError(t, err)
		assert.Equal(t, ab[0]+ab[1], sum, "add(%d, %d)", ab[0], ab[1])
	}
	for _, s := range strs {
		got, err := stub.EchoString(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, s, got, "echoString of %d bytes", len(s))
	}
	isA, err := obj.IsA(ctx, benchecho.RepositoryID)
	require.NoError(t, err)
	assert.True(t, isA, "_is_a(%s)", benchecho.RepositoryID)
}
