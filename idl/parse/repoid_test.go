package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected ids are what omniidl computes for the same source (checked
// against omniidl itself by the corpus test in concord/idl/gogen).
func TestRepositoryIDs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  map[string]string // scoped name -> id
	}{
		{"no prefix", map[string]string{"main.idl": "module M { interface I { struct S { long x; }; }; };"},
			map[string]string{"M": "IDL:M:1.0", "M::I": "IDL:M/I:1.0", "M::I::S": "IDL:M/I/S:1.0"}},
		{"pragma prefix", map[string]string{"main.idl": "#pragma prefix \"omg.org\"\nmodule CosNaming { typedef string Istring; };"},
			map[string]string{"CosNaming": "IDL:omg.org/CosNaming:1.0", "CosNaming::Istring": "IDL:omg.org/CosNaming/Istring:1.0"}},
		{"prefix inside a module ends with the module", map[string]string{"main.idl": `
			module A {
			#pragma prefix "inner"
			  typedef long T;
			};
			typedef long U;`},
			map[string]string{"A": "IDL:A:1.0", "A::T": "IDL:inner/A/T:1.0", "U": "IDL:U:1.0"}},
		{"prefix does not leak out of an included file", map[string]string{
			"main.idl": "#include \"inc.idl\"\ntypedef long Main;",
			"inc.idl":  "#pragma prefix \"inc.org\"\ntypedef long Inc;"},
			map[string]string{"Inc": "IDL:inc.org/Inc:1.0", "Main": "IDL:Main:1.0"}},
		{"main file prefix is restored after an include", map[string]string{
			"main.idl": "#pragma prefix \"main.org\"\n#include \"inc.idl\"\ntypedef long Main;",
			"inc.idl":  "typedef long Inc;"},
			map[string]string{"Inc": "IDL:Inc:1.0", "Main": "IDL:main.org/Main:1.0"}},
		{"pragma ID", map[string]string{"main.idl": "module M { typedef long T; };\n#pragma ID M::T \"LOCAL:my-t\""},
			map[string]string{"M::T": "LOCAL:my-t"}},
		{"pragma version", map[string]string{"main.idl": "module M { interface I {};\n#pragma version I 2.3\n};"},
			map[string]string{"M::I": "IDL:M/I:2.3"}},
		{"reopened module keeps each opening's version", map[string]string{"main.idl": "module M { typedef long A; };\nmodule M {\n#pragma version M 1.5\ntypedef long B; };"},
			map[string]string{"M::A": "IDL:M/A:1.0", "M::B": "IDL:M/B:1.0"}},
		{"typeid and typeprefix", map[string]string{"main.idl": `module M { typedef long T; typeid T "IDL:custom/T:2.0"; };
			module N { typeprefix N "n.org"; typedef long U; };`},
			map[string]string{"M::T": "IDL:custom/T:2.0", "N::U": "IDL:n.org/N/U:1.0"}},
		{"escaped identifier", map[string]string{"main.idl": "module _M { typedef long _T; };"},
			map[string]string{"M::T": "IDL:M/T:1.0"}},
		{"enum and exception", map[string]string{"main.idl": "#pragma prefix \"p\"\nmodule M { enum E { A }; exception X {}; };"},
			map[string]string{"M::E": "IDL:p/M/E:1.0", "M::X": "IDL:p/M/X:1.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := parseFiles(tc.files, nil)
			require.NoError(t, err)
			for name, id := range tc.want {
				assert.Equal(t, id, find(t, spec, name).Info().RepoID, name)
			}
		})
	}
}
