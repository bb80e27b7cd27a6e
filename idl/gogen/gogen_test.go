package gogen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/parse"
)

func generate(t *testing.T, src string) ([]File, error) {
	t.Helper()
	spec, err := parse.ParseSource("main.idl", []byte(src), parse.Options{})
	require.NoError(t, err)
	return Generate(spec, Options{PackagePrefix: "example.com/gen"})
}

func TestUnsupportedConstructs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"any", "module M { struct S { any a; }; };", "main.idl:1:27: member a of struct S: any is not supported by the Go mapping"},
		{"TypeCode", "module M { interface I { CORBA::TypeCode tc(); }; };", "main.idl:1:42: result of operation tc of interface I: TypeCode is not supported by the Go mapping"},
		{"fixed", "module M { typedef fixed<5,2> Money; };", "main.idl:1:31: typedef Money: fixed is not supported by the Go mapping"},
		{"fixed constant", "module M { const fixed F = 1.5d; };", "main.idl:1:24: constant F: fixed is not supported by the Go mapping"},
		{"long double", "module M { struct S { long double x; }; };", "main.idl:1:35: member x of struct S: long double is not supported by the Go mapping"},
		{"valuetype", "module M { valuetype V { public long x; }; };", "main.idl:1:22: valuetype V is not supported by the Go mapping"},
		{"value box", "module M { valuetype B string; };", "main.idl:1:22: valuetype box B is not supported by the Go mapping"},
		{"native", "module M { native N; };", "main.idl:1:19: native type N is not supported by the Go mapping"},
		{"local interface", "module M { local interface L { void f(); }; };", "main.idl:1:28: local interface L is not supported by the Go mapping"},
		{"any through a typedef", "module M { typedef any A; struct S { A x; }; };", "main.idl:1:24: typedef A: any is not supported by the Go mapping"},
		{"Go name clash", "module M { interface I { void f(); }; struct IStub { long x; }; };", "main.idl:1:46: the Go name IStub is already used by the declaration at main.idl:1:22; rename one of them"},
		{"attribute and setter clash", "module M { interface I { attribute long x; void setX(in long v); }; };", "main.idl:1:49: interface I: setX and _set_x both map to the Go method SetX"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generate(t, tc.src)
			require.Error(t, err)
			var ge *Error
			require.True(t, errors.As(err, &ge), "%v is not a *gogen.Error", err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestPackagesAndFiles(t *testing.T) {
	files, err := generate(t, `module A { struct S { long x; }; module Inner { typedef S T; }; };
		module B { struct U { A::S s; A::Inner::T t; }; };
		typedef long TopLevel;`)
	require.NoError(t, err)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
		assert.Contains(t, string(f.Content), Header, f.Path)
	}
	assert.Equal(t, []string{"a/main.go", "b/main.go", "main/main.go"}, paths)
	b := string(files[1].Content)
	assert.Contains(t, b, `"example.com/gen/a"`, "B imports A's package")
	assert.Contains(t, b, "S a.S", "cross-module reference is qualified")
	assert.Contains(t, b, "T a.InnerT", "nested module names are flattened with the module's name")
}

// The committed generated code must be what the generator produces now;
// CI fails on a stale file ("go generate ./idl/gen" fixes it).
func TestCommittedCodeIsFresh(t *testing.T) {
	tests := []struct {
		name   string
		idl    string
		prefix string
		outDir string
	}{
		{"bench", "../bench.idl", "concord/idl/gen", "../gen"},
		{"dems", "../dems.idl", "concord/idl/gen", "../gen"},
		{"justhungry", "../justhungry.idl", "concord/idl/gen", "../gen"},
		{"alltypes", "../testdata/alltypes.idl", "concord/idl/gen/internal", "../gen/internal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := parse.ParseFile(tc.idl, parse.Options{})
			require.NoError(t, err)
			files, err := Generate(spec, Options{PackagePrefix: tc.prefix})
			require.NoError(t, err)
			require.NotEmpty(t, files)
			for _, f := range files {
				have, err := os.ReadFile(filepath.Join(tc.outDir, f.Path))
				require.NoError(t, err, "run go generate ./idl/gen")
				if line := firstDiff(string(f.Content), string(have)); line > 0 {
					t.Errorf("%s is stale from line %d: run go generate ./idl/gen", f.Path, line)
				}
			}
		})
	}
}

// firstDiff returns the first line (from 1) where a and b differ, or 0.
func firstDiff(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		if i >= len(la) || i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return 0
}
