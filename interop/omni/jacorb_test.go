package omni

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop/ior"
	"concord/internal/testtools"
)

// updateGoldenJacORB rewrites the big-endian vectors under
// giop/testdata/golden/jacorb from fresh JacORB traffic:
//
//	go test ./interop/omni -run TestJacORBCapture -update-golden-jacorb
var (
	updateGoldenJacORB = flag.Bool("update-golden-jacorb", false, "rewrite giop/testdata/golden/jacorb from captured JacORB traffic")
	checkJacORB        = flag.Bool("jacorb-capture", false, "re-capture the JacORB vectors and compare them with the committed ones (slow: ~45 s of JVM starts)")
)

var (
	jacorbOnce sync.Once
	jacorbCP   string
	jacorbErr  error
)

// buildJacORB compiles the JacORB capture kit (jacorb/) with Maven once per
// run and returns the Java classpath.
func buildJacORB(t testing.TB) string {
	t.Helper()
	testtools.LookPath(t, "java", "Debian package default-jdk-headless")
	testtools.LookPath(t, "mvn", "Debian package maven")
	jacorbOnce.Do(func() {
		out := filepath.Join(workDir, "jacorb")
		pom, err := filepath.Abs(filepath.Join("jacorb", "pom.xml"))
		if err != nil {
			jacorbErr = err
			return
		}
		if jacorbErr = testtools.Run(".", "mvn", "-q", "-B", "-f", pom, "-DoutDir="+out, "compile"); jacorbErr != nil {
			return
		}
		deps, err := os.ReadFile(filepath.Join(out, "deps.classpath"))
		jacorbErr = err
		jacorbCP = filepath.Join(out, "classes") + string(os.PathListSeparator) + strings.TrimSpace(string(deps))
	})
	require.NoError(t, jacorbErr, "building interop/omni/jacorb with Maven")
	return jacorbCP
}

// jacorbServer is a running JGolden server.
type jacorbServer struct {
	Echo, Probe string
	Addr        ior.Address
	proc        *proc
}

func startJacORBServer(t testing.TB, cp string) *jacorbServer {
	t.Helper()
	refsFile := filepath.Join(t.TempDir(), "refs")
	p := startProc(t, "java", "-cp", cp, "concord.golden.JGolden", "server", refsFile)
	refs := waitFile(t, p, refsFile)
	// Both lines are written at once; wait for the second.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(refs, "\n") < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		b, _ := os.ReadFile(refsFile)
		refs = strings.TrimSpace(string(b))
	}
	s := &jacorbServer{proc: p}
	sc := bufio.NewScanner(strings.NewReader(refs))
	for sc.Scan() {
		name, ref, _ := strings.Cut(sc.Text(), " ")
		switch name {
		case "echo":
			s.Echo = ref
		case "probe":
			s.Probe = ref
		}
	}
	require.NotEmpty(t, s.Echo, "JGolden refs:\n%s", refs)
	require.NotEmpty(t, s.Probe, "JGolden refs:\n%s", refs)
	s.Addr = iorAddress(t, s.Echo)
	return s
}

// retarget rewrites a stringified IOR to point at addr with an IIOP profile
// of version 1.minor, which makes the client speak GIOP 1.minor (a 1.0
// profile carries no components).
func retarget(s string, addr ior.Address, minor uint8) (string, error) {
	r, err := ior.Parse(s)
	if err != nil {
		return "", err
	}
	ps, err := r.IIOPProfiles()
	if err != nil || len(ps) == 0 {
		return "", fmt.Errorf("IOR without an IIOP profile: %v", err)
	}
	p := *ps[0]
	p.Host, p.Port, p.Minor = addr.Host, addr.Port, minor
	if minor == 0 {
		p.Components = nil
	}
	return (&ior.IOR{TypeID: r.TypeID, Profiles: []ior.TaggedProfile{p.Tagged()}}).String(), nil
}

// jacorbCase is one big-endian capture: a JacORB or omniORB client calling
// the JacORB server through a Relay.
type jacorbCase struct {
	name  string
	probe bool     // target Probe::Target instead of Bench::Echo
	omni  bool     // client is omniORB's echo_client (little-endian requests)
	ops   []string // client ops
	// versions limits the case to these GIOP versions (nil: all).
	versions []string
}

var jacorbCases = []jacorbCase{
	{name: "echo", ops: []string{"ping", "add", "small", "big:20000", "isa", "nonexist"}},
	{name: "exceptions", probe: true, ops: []string{"user", "system", "oneway"}},
	{name: "omni-client", omni: true, ops: []string{"ping", "add", "small", "locate"}},
	// JacORB refuses GIOP 1.1 fragments (NO_IMPLEMENT), so omniORB's
	// fragmented 1.1 request is captured against omniORB only.
	{name: "omni-client-big", omni: true, ops: []string{"big:20000"}, versions: []string{"1.0", "1.2"}},
}

// TestJacORBCapture records traffic with JacORB, which marshals big-endian,
// for the big-endian golden vectors; like TestGoldenCapture it checks a fresh
// capture against the committed files unless -update-golden-jacorb is set.
func TestJacORBCapture(t *testing.T) {
	if !*updateGoldenJacORB && !*checkJacORB {
		// Too slow for every run on two cores; giop/golden_test.go checks
		// the committed vectors on every run anyway.
		t.Skip("JacORB re-capture runs only with -jacorb-capture or -update-golden-jacorb")
	}
	cp := buildJacORB(t)
	bins := buildOmni(t)
	srv := startJacORBServer(t, cp)
	for _, c := range jacorbCases {
		versions := c.versions
		if versions == nil {
			versions = goldenVersions
		}
		for _, v := range versions {
			relay, err := NewRelay(srv.Addr.String())
			require.NoError(t, err)
			target := srv.Echo
			if c.probe {
				target = srv.Probe
			}
			ref, err := retarget(target, ior.Address{Host: "127.0.0.1", Port: uint16(relay.Addr().Port)}, v[2]-'0')
			require.NoError(t, err)
			var out string
			if c.omni {
				out, err = runClient(t, 30*time.Second, bins.Client, append([]string{ref}, c.ops...)...)
			} else {
				out, err = runClient(t, 30*time.Second, "java", append([]string{"-cp", cp, "concord.golden.JGolden", "client", ref}, c.ops...)...)
			}
			require.NoError(t, err, "%s %s client:\n%s\nJacORB server:\n%s", v, c.name, out, srv.proc.tail(10))
			files := relayFiles(relay)
			checkOrWriteGolden(t, "jacorb/"+v+"/"+c.name, files, false, *updateGoldenJacORB)
		}
	}
}
