package parse

import (
	"sort"
	"strings"

	"concord/idl/ast"
)

// RepositoryIDs lists "Scoped::Name repoid" for every declaration that has
// a repository id, sorted and without duplicates: the format of the omniidl
// back end in idl/testdata/omniidlbe, so the two can be compared.
func RepositoryIDs(spec *ast.Spec) []string {
	set := map[string]bool{}
	var walk func(ds []ast.Decl)
	walk = func(ds []ast.Decl) {
		for _, d := range ds {
			info := d.Info()
			if info.RepoID != "" {
				if _, isEnumerator := d.(*ast.Enumerator); !isEnumerator {
					set[strings.Join(info.Scoped(), "::")+" "+info.RepoID] = true
				}
			}
			switch x := d.(type) {
			case *ast.Module:
				walk(x.Defs)
			case *ast.Interface:
				walk(x.Body)
			case *ast.Struct:
				walk(x.Nested)
			case *ast.Exception:
				walk(x.Nested)
			case *ast.Union:
				walk(x.Nested)
			case *ast.ValueType:
				walk(x.Body)
			}
		}
	}
	walk(spec.Defs)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
