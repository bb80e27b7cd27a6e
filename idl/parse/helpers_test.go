package parse

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"concord/idl/ast"
)

// parseFiles parses files["main.idl"] with the other entries as includable
// files (found with -I inc).
func parseFiles(files map[string]string, defines map[string]string) (*ast.Spec, error) {
	read := func(path string) ([]byte, error) {
		if s, ok := files[strings.TrimPrefix(path, "inc/")]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("open %s: %w", path, fs.ErrNotExist)
	}
	return ParseFile("main.idl", Options{IncludeDirs: []string{"inc"}, Defines: defines, ReadFile: read})
}

func mustParse(t *testing.T, src string) *ast.Spec {
	t.Helper()
	spec, err := parseFiles(map[string]string{"main.idl": src}, nil)
	require.NoError(t, err)
	return spec
}

// find returns the declaration with scoped name path (e.g. "M::S") in spec.
func find(t *testing.T, spec *ast.Spec, path string) ast.Decl {
	t.Helper()
	var found ast.Decl
	var walk func([]ast.Decl)
	walk = func(ds []ast.Decl) {
		for _, d := range ds {
			if strings.Join(d.Info().Scoped(), "::") == path {
				found = d
			}
			switch x := d.(type) {
			case *ast.Module:
				walk(x.Defs)
			case *ast.Interface:
				walk(x.Body)
			case *ast.Struct:
				walk(x.Nested)
			case *ast.Union:
				walk(x.Nested)
			case *ast.Exception:
				walk(x.Nested)
			case *ast.Enum:
				for _, e := range x.Enumerators {
					if strings.Join(e.Scoped(), "::") == path {
						found = e
					}
				}
			case *ast.ValueType:
				walk(x.Body)
			}
		}
	}
	walk(spec.Defs)
	require.NotNil(t, found, "declaration %s not found", path)
	return found
}
