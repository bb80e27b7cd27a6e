package gogen

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/parse"
	"concord/internal/testtools"
)

const corpusDir = "/usr/share/idl/omniORB"

// omniidlIDs runs omniidl with the back end in idl/testdata/omniidlbe and
// returns its sorted, deduplicated "scoped::name repoid" lines.
func omniidlIDs(t *testing.T, file string) ([]string, error) {
	be, err := filepath.Abs("../testdata/omniidlbe")
	require.NoError(t, err)
	cmd := exec.Command(omniidl, "-p"+be, "-bconcordids", "-I"+corpusDir, "-I"+corpusDir+"/COS", file)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			set[l] = true
		}
	}
	ids := make([]string, 0, len(set))
	for l := range set {
		ids = append(ids, l)
	}
	sort.Strings(ids)
	return ids, nil
}

// TestCorpus: every IDL file shipped by Debian's omniorb-idl parses exactly
// when omniidl accepts it, with omniidl's repository ids; the generator
// either produces Go that passes go vet or names the unsupported construct.
func TestCorpus(t *testing.T) {
	testtools.File(t, corpusDir+"/COS/CosNaming.idl", "Debian package omniorb-idl")
	omniidl = testtools.OmniIDL(t)
	files, err := filepath.Glob(corpusDir + "/*.idl")
	require.NoError(t, err)
	cos, err := filepath.Glob(corpusDir + "/COS/*.idl")
	require.NoError(t, err)
	files = append(files, cos...)
	require.Greater(t, len(files), 50)

	// Generated packages go under testdata, which "./..." never matches, so
	// other packages' builds never see them; removed afterwards.
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	tmp, err := os.MkdirTemp("testdata", "corpus-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(tmp) })

	var generated, refused []string
	for i, file := range files {
		name := strings.TrimPrefix(file, corpusDir+"/")
		// omniidl predefines __OMNIIDL__; CosLifeCycle relies on it.
		spec, perr := parse.ParseFile(file, parse.Options{IncludeDirs: []string{corpusDir, corpusDir + "/COS"},
			Defines: map[string]string{"__OMNIIDL__": "1"}})
		want, oerr := omniidlIDs(t, file)
		if oerr != nil {
			// omniidl rejects it (missing IOP.idl, CORBA::ServiceOption...): so must we, with a position.
			var pe *parse.Error
			assert.True(t, errors.As(perr, &pe), "%s: omniidl rejects it (%v) but we got %v", name, oerr, perr)
			continue
		}
		if !assert.NoError(t, perr, name) {
			continue
		}
		assert.Equal(t, want, parse.RepositoryIDs(spec), "%s: repository ids differ from omniidl's", name)

		sub := filepath.Join(tmp, fmt.Sprintf("f%d", i))
		gfiles, gerr := Generate(spec, Options{PackagePrefix: "concord/idl/gogen/" + filepath.ToSlash(sub), AllFiles: true})
		if gerr != nil {
			var ge *Error
			if assert.True(t, errors.As(gerr, &ge), "%s: %v", name, gerr) {
				assert.Contains(t, ge.Msg, "not supported", "%s: a refusal must name the unsupported construct", name)
			}
			refused = append(refused, name+": "+gerr.Error())
			continue
		}
		for _, f := range gfiles {
			p := filepath.Join(sub, f.Path)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, f.Content, 0o644))
		}
		generated = append(generated, name)
	}
	t.Logf("generated Go for %d files: %s", len(generated), strings.Join(generated, ", "))
	t.Logf("refused %d files:\n%s", len(refused), strings.Join(refused, "\n"))
	assert.Contains(t, generated, "COS/CosNaming.idl", "CosNaming is within the supported subset")

	out, err := exec.Command("go", "vet", "./"+filepath.ToSlash(tmp)+"/...").CombinedOutput()
	assert.NoError(t, err, "generated corpus code does not vet:\n%s", out)
}

// omniidl is the omniidl to run (testtools.OmniIDL picks Debian's).
var omniidl = "omniidl"
