package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/ast"
)

func TestConstructs(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, spec *ast.Spec)
	}{
		{"reopened module", `module M { struct A { long x; }; }; module M { typedef A B; };`, func(t *testing.T, spec *ast.Spec) {
			require.Len(t, spec.Defs, 2)
			b := find(t, spec, "M::B").(*ast.Typedef)
			assert.Equal(t, find(t, spec, "M::A"), b.Type.(*ast.Named).Decl)
		}},
		{"interface inheritance and forward declaration", `
			interface Fwd;
			interface A { void opA(); };
			interface B { void opB(in Fwd f); };
			interface Fwd : A, B { void opC(); };`, func(t *testing.T, spec *ast.Spec) {
			f := find(t, spec, "Fwd").(*ast.Interface)
			assert.True(t, f.Defined)
			require.Len(t, f.Bases, 2)
			assert.Equal(t, "A", f.Bases[0].Name)
			assert.Equal(t, "B", f.Bases[1].Name)
			assert.Len(t, spec.Defs, 3, "the forward declaration and the definition are one node")
		}},
		{"operations", `
			exception E {}; exception F { string why; };
			interface I {
				long op(in long a, out string b, inout double c) raises (E, F) context("x", "y");
				oneway void note(in string s);
				void nothing();
			};`, func(t *testing.T, spec *ast.Spec) {
			op := find(t, spec, "I::op").(*ast.Operation)
			assert.Equal(t, ast.Long, op.Result.(*ast.Basic).Kind)
			require.Len(t, op.Params, 3)
			assert.Equal(t, []ast.Direction{ast.In, ast.Out, ast.InOut}, []ast.Direction{op.Params[0].Dir, op.Params[1].Dir, op.Params[2].Dir})
			require.Len(t, op.Raises, 2)
			assert.Equal(t, "F", op.Raises[1].Name)
			assert.Equal(t, []string{"x", "y"}, op.Contexts)
			assert.True(t, find(t, spec, "I::note").(*ast.Operation).Oneway)
			assert.Nil(t, find(t, spec, "I::nothing").(*ast.Operation).Result)
		}},
		{"attributes", `exception E {}; interface I { readonly attribute long a, b; attribute string c getraises(E) setraises(E); };`, func(t *testing.T, spec *ast.Spec) {
			assert.True(t, find(t, spec, "I::a").(*ast.Attribute).Readonly)
			assert.True(t, find(t, spec, "I::b").(*ast.Attribute).Readonly)
			c := find(t, spec, "I::c").(*ast.Attribute)
			assert.False(t, c.Readonly)
			assert.Len(t, c.GetRaises, 1)
			assert.Len(t, c.SetRaises, 1)
		}},
		{"basic types", `struct S { short a; unsigned short b; long c; unsigned long d; long long e;
			unsigned long long f; float g; double h; boolean i; char j; wchar k; octet l; long double m; };`,
			func(t *testing.T, spec *ast.Spec) {
				s := find(t, spec, "S").(*ast.Struct)
				want := []ast.BasicKind{ast.Short, ast.UShort, ast.Long, ast.ULong, ast.LongLong, ast.ULongLong,
					ast.Float, ast.Double, ast.Boolean, ast.Char, ast.WChar, ast.Octet, ast.LongDouble}
				require.Len(t, s.Members, len(want))
				for i, k := range want {
					assert.Equal(t, k, s.Members[i].Type.(*ast.Basic).Kind, s.Members[i].Name)
				}
			}},
		{"strings sequences and arrays", `const long N = 2;
			typedef string<10> S10; typedef wstring<N> W2; typedef sequence<long> L;
			typedef sequence<sequence<long, 3>> LL; typedef long Grid[N][N+1], Single;`, func(t *testing.T, spec *ast.Spec) {
			assert.Equal(t, &ast.String{Bound: 10}, find(t, spec, "S10").(*ast.Typedef).Type)
			assert.Equal(t, &ast.String{Wide: true, Bound: 2}, find(t, spec, "W2").(*ast.Typedef).Type)
			assert.Equal(t, uint64(0), find(t, spec, "L").(*ast.Typedef).Type.(*ast.Sequence).Bound)
			ll := find(t, spec, "LL").(*ast.Typedef).Type.(*ast.Sequence)
			assert.Equal(t, uint64(3), ll.Elem.(*ast.Sequence).Bound)
			grid := find(t, spec, "Grid").(*ast.Typedef).Type.(*ast.Array)
			assert.Equal(t, []uint64{2, 3}, grid.Dims)
			assert.IsType(t, &ast.Basic{}, find(t, spec, "Single").(*ast.Typedef).Type)
		}},
		{"structs with inline and recursive types", `struct Tree { struct Leaf { long v; } first; sequence<Tree> kids; };`, func(t *testing.T, spec *ast.Spec) {
			tr := find(t, spec, "Tree").(*ast.Struct)
			require.Len(t, tr.Nested, 1)
			assert.Equal(t, "Leaf", tr.Nested[0].Info().Name)
			assert.Equal(t, tr, tr.Members[1].Type.(*ast.Sequence).Elem.(*ast.Named).Decl)
		}},
		{"enums", `enum Color { Red, Green, Blue };`, func(t *testing.T, spec *ast.Spec) {
			assert.Equal(t, uint32(2), find(t, spec, "Blue").(*ast.Enumerator).Value)
			assert.Len(t, find(t, spec, "Color").(*ast.Enum).Enumerators, 3)
		}},
		{"unions", `enum E { A, B, C };
			union U switch (E) { case A: case B: long ab; default: string other; };
			union V switch (unsigned short) { case 1: char c; case 2+1: octet o; };`, func(t *testing.T, spec *ast.Spec) {
			u := find(t, spec, "U").(*ast.Union)
			require.Len(t, u.Cases, 2)
			assert.Len(t, u.Cases[0].Labels, 2)
			assert.Equal(t, "B", u.Cases[0].Labels[1].Enum.Name)
			assert.True(t, u.Cases[1].Default)
			v := find(t, spec, "V").(*ast.Union)
			assert.Equal(t, int64(3), v.Cases[1].Labels[0].Int.Int64())
		}},
		{"exceptions", `exception E { long code; string msg; };`, func(t *testing.T, spec *ast.Spec) {
			assert.Len(t, find(t, spec, "E").(*ast.Exception).Members, 2)
		}},
		{"escaped identifiers", `typedef long _Factory; interface _I { void _supports(); };`, func(t *testing.T, spec *ast.Spec) {
			assert.Equal(t, "IDL:Factory:1.0", find(t, spec, "Factory").Info().RepoID)
			find(t, spec, "I::supports")
		}},
		{"valuetypes and natives are recorded", `native Cookie; valuetype Box long; abstract valuetype AV { void f(); };
			valuetype V { public long a; private string b; factory make(in long a); };`, func(t *testing.T, spec *ast.Spec) {
			assert.Equal(t, "valuetype box", find(t, spec, "Box").(*ast.ValueType).Kind)
			assert.Equal(t, "abstract valuetype", find(t, spec, "AV").(*ast.ValueType).Kind)
			find(t, spec, "V::a")
			find(t, spec, "Cookie")
		}},
		{"scoped name lookup through inheritance", `interface A { typedef long T; }; interface B : A { T f(); };`, func(t *testing.T, spec *ast.Spec) {
			f := find(t, spec, "B::f").(*ast.Operation)
			assert.Equal(t, find(t, spec, "A::T"), f.Result.(*ast.Named).Decl)
		}},
		{"builtin CORBA types", `interface I { CORBA::TypeCode tc(); any a(); Object o(); };`, func(t *testing.T, spec *ast.Spec) {
			assert.Equal(t, ast.TypeCode, find(t, spec, "I::tc").(*ast.Operation).Result.(*ast.Basic).Kind)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, mustParse(t, tc.src)) })
	}
}

func TestConstants(t *testing.T) {
	tests := []struct {
		name string
		decl string
		want string // ast.Value.String()
	}{
		{"multiplication", "const long X = 6 * 7;", "42"},
		{"precedence", "const long X = 1 + 2 * 3 - 4 / 2;", "5"},
		{"shift and or", "const short X = (1 << 4) | 3;", "19"},
		{"xor and and", "const long X = (0xF0 ^ 0xFF) & 0x0E;", "14"},
		{"modulo", "const long X = 17 % 5;", "2"},
		{"unary minus", "const long X = -(3 + 4);", "-7"},
		{"complement", "const long X = ~0;", "-1"},
		{"hex", "const unsigned long long X = 0xFFFFFFFFFFFFFFFF;", "18446744073709551615"},
		{"octal", "const octet X = 0377;", "255"},
		{"float", "const double X = 1.5e2 / 2.0;", "75"},
		{"string concatenation", `const string X = "a" "b";`, `"ab"`},
		{"char", `const char X = 'A';`, "65"},
		{"char escape", `const char X = '\n';`, "10"},
		{"wchar", `const wchar X = L'\u00e9';`, "233"},
		{"boolean", "const boolean X = FALSE;", "false"},
		{"enum", "enum E { A, B }; const E X = B;", "B"},
		{"other constant", "const long Y = 2; const long X = Y * Y;", "4"},
		{"typedef'd type", "typedef long L; const L X = 5;", "5"},
		{"macro", "#define N 9\nconst long X = N;", "9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := mustParse(t, tc.decl)
			c := find(t, spec, "X").(*ast.Const)
			assert.Equal(t, tc.want, c.Value.String())
		})
	}
}

func TestPreprocessor(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		defines map[string]string
		want    []string // scoped names that must exist
		absent  []string // scoped names that must not
	}{
		{"include with guard twice", map[string]string{
			"main.idl": "#include \"a.idl\"\n#include <a.idl>\ntypedef A B;",
			"a.idl":    "#ifndef A_IDL\n#define A_IDL\ntypedef long A;\n#endif\n",
		}, nil, []string{"A", "B"}, nil},
		{"ifdef else", map[string]string{
			"main.idl": "#define X\n#ifdef X\ntypedef long Yes;\n#else\ntypedef long No;\n#endif\n#ifndef X\ntypedef long No2;\n#endif",
		}, nil, []string{"Yes"}, []string{"No", "No2"}},
		{"if defined with predefined macro", map[string]string{
			"main.idl": "#if defined(FOO) || defined BAR\ntypedef long Yes;\n#elif 1\ntypedef long No;\n#endif\n#if 0\ngarbage ! here\n#endif",
		}, map[string]string{"BAR": "1"}, []string{"Yes"}, []string{"No"}},
		{"nested conditionals", map[string]string{
			"main.idl": "#if 0\n#ifdef X\n#else\ntypedef long No;\n#endif\n#else\ntypedef long Yes;\n#endif",
		}, nil, []string{"Yes"}, []string{"No"}},
		{"comments", map[string]string{
			"main.idl": "/* typedef long No; */ typedef long Yes; // typedef long No2;\n/* multi\nline */ typedef string S; // \"quoted\"",
		}, nil, []string{"Yes", "S"}, []string{"No", "No2"}},
		{"line continuation in directive", map[string]string{
			"main.idl": "#define LONG_MACRO \\\n  5\nconst long X = LONG_MACRO;",
		}, nil, []string{"X"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := parseFiles(tc.files, tc.defines)
			require.NoError(t, err)
			ids := RepositoryIDs(spec)
			for _, w := range tc.want {
				find(t, spec, w)
			}
			for _, a := range tc.absent {
				for _, id := range ids {
					assert.NotContains(t, id, a+" ", "%s must be skipped", a)
				}
			}
		})
	}
}
