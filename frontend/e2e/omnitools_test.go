package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/internal/clustertest"
	"concord/internal/testtools"
)

// omniORB's own tools work against the front end: nameclt lists the naming
// service, catior decodes the IOR files the front end writes.
func TestOmniORBToolsAgainstTheFrontEnd(t *testing.T) {
	nameclt := testtools.LookPath(t, "nameclt", "Debian package omniorb")
	catior := testtools.LookPath(t, "catior", "Debian package omniorb")
	c := clustertest.Start(t, clustertest.Options{})

	out, err := exec.Command(nameclt, "-ORBInitRef", "NameService="+c.Corbaloc("NameService"), "list").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.ElementsMatch(t, []string{"DEMS", "JustHungry"}, strings.Fields(string(out)))

	out, err = exec.Command(nameclt, "-ORBInitRef", "NameService="+c.Corbaloc("NameService"), "resolve", "DEMS").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "IOR:")

	demsIOR, err := os.ReadFile(filepath.Join(c.Dir, "DEMS.ior"))
	require.NoError(t, err)
	out, err = exec.Command(nameclt, "-ORBInitRef", "NameService="+c.Corbaloc("NameService"),
		"bind", "X", strings.TrimSpace(string(demsIOR))).CombinedOutput()
	assert.Error(t, err, "the naming service is read-only")
	assert.Contains(t, string(out), "NO_PERMISSION")

	for key, typeID := range map[string]string{"DEMS": "IDL:DEMS/EventManagement:1.0",
		"JustHungry": "IDL:JustHungry/FoodOrdering:1.0", "NameService": "IDL:omg.org/CosNaming/NamingContextExt:1.0"} {
		ref, err := os.ReadFile(filepath.Join(c.Dir, key+".ior"))
		require.NoError(t, err)
		out, err := exec.Command(catior, strings.TrimSpace(string(ref))).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), `Type ID: "`+typeID+`"`)
		assert.Contains(t, string(out), "IIOP 1.2 127.0.0.1")
		assert.Contains(t, string(out), `"`+key+`"`, "object key")
	}
}
