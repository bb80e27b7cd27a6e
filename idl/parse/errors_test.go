package parse

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the whole error: file:line:col: message
	}{
		{"missing semicolon", "struct S { long x; }\ntypedef long T;", "main.idl:2:1: expected ';', got 'typedef'"},
		{"undefined name", "typedef Nope T;", "main.idl:1:9: Nope is not declared"},
		{"undefined scoped name", "module M {};\ntypedef M::Nope T;", "main.idl:2:9: M::Nope is not declared"},
		{"duplicate definition", "typedef long T;\ntypedef short T;", "main.idl:2:15: T is already declared in this scope, as typedef ::T at main.idl:1:14"},
		{"case-insensitive clash", "typedef long T;\ntypedef short t;", "main.idl:2:15: t collides with typedef ::T declared at main.idl:1:14 (IDL names differ by more than case)"},
		{"wrong case in use", "typedef long Tt;\ntypedef TT U;", "main.idl:2:9: TT does not match the case of typedef ::Tt declared at main.idl:1:14"},
		{"wrong constant type", `const long X = "text";`, `main.idl:1:16: cannot use string "text" as a constant of type long`},
		{"integer as float", "const double X = 3;", "main.idl:1:18: cannot use integer 3 as a constant of type double"},
		{"mixed float and integer", "const double X = 1.0 / 2;", "main.idl:1:22: operator / cannot combine floating-point value 1 and integer 2"},
		{"member clashes with used type", "enum Color { Red };\nstruct S { Color color; };", "main.idl:2:18: declaration of member color clashes with the use of identifier Color at main.idl:2:12"},
		{"parameter clashes with used type", "enum Color { Red };\ninterface I { void f(in Color color); };", "main.idl:2:31: declaration of parameter color clashes with the use of identifier Color at main.idl:2:25"},
		{"operation clashes with used type", "enum Color { Red };\ninterface I { void f(in Color c); void color(); };", "main.idl:2:40: declaration of operation color clashes with the use of identifier Color at main.idl:2:25"},
		{"member clashes with nested type", "struct S { struct P { long x; } p; };", "main.idl:1:33: member p clashes with struct ::S::P declared at main.idl:1:19"},
		{"constant out of range", "const octet X = 256;", "main.idl:1:17: value 256 is out of range for octet"},
		{"enumerator of another enum", "enum A { a1 }; enum B { b1 };\nconst A X = b1;", "main.idl:2:13: cannot use enumerator b1 as a constant of type ::A"},
		{"division by zero", "const long X = 1 / 0;", "main.idl:1:18: division by zero in constant expression"},
		{"recursive struct", "struct S { long x; S next; };", "main.idl:1:20: struct S is used before its definition is complete (a recursive type must go through a sequence)"},
		{"not a type", "const long C = 1;\ntypedef C T;", "main.idl:2:9: C is a constant, not a type"},
		{"raises a non-exception", "struct S { long x; };\ninterface I { void f() raises (S); };", "main.idl:2:32: S is a struct, not an exception, so it cannot be raised"},
		{"oneway with result", "interface I { oneway long f(); };", "main.idl:1:27: oneway operation f must return void"},
		{"oneway with out", "interface I { oneway void f(out long x); };", "main.idl:1:38: oneway operation f cannot have out parameter x"},
		{"inherit forward only", "interface A;\ninterface B : A {};", "main.idl:2:15: interface B inherits from A, which is only forward-declared"},
		{"inherit twice", "interface A {};\ninterface B : A, A {};", "main.idl:2:18: interface B inherits from A twice"},
		{"redefine inherited operation", "interface A { void f(); };\ninterface B : A { void f(); };", "main.idl:2:24: f redefines operation ::A::f inherited from A"},
		{"name of enclosing scope", "interface A { void a(); };", "main.idl:1:20: a cannot have the name of its enclosing interface"},
		{"duplicate union label", "union U switch (long) { case 1: long a; case 1: long b; };", "main.idl:1:46: union U: case label 1 is already used at main.idl:1:30"},
		{"bad discriminator", "union U switch (string) { case 1: long a; };", "main.idl:1:17: union U: discriminator type string must be an integer, char, wchar, boolean or enum type"},
		{"zero array size", "typedef long A[0];", "main.idl:1:16: array size must be between 1 and 4294967295, got 0"},
		{"duplicate member", "struct S { long a; short a; };", "main.idl:1:26: member a is declared twice in struct S"},
		{"duplicate parameter", "interface I { void f(in long a, in long a); };", "main.idl:1:41: parameter a is declared twice"},
		{"unterminated comment", "typedef long T; /* never closed", "main.idl:1:17: unterminated comment"},
		{"unterminated string", `const string S = "abc;`, "main.idl:1:18: unterminated string literal"},
		{"bad character", "typedef long T$;", `main.idl:1:15: unexpected character '$'`},
		{"missing include", "#include \"nope.idl\"", "main.idl:1:1: included file nope.idl not found (searched ., inc)"},
		{"unterminated conditional", "#ifdef X\ntypedef long T;", "main.idl:1:1: unterminated conditional: #endif missing"},
		{"endif without if", "#endif", "main.idl:1:1: #endif without #if"},
		{"unknown directive", "#frobnicate", "main.idl:1:1: unknown preprocessor directive #frobnicate"},
		{"error directive", "#error stop here", "main.idl:1:1: #error stop here"},
		{"end of file inside module", "module M {", "main.idl:1:10: expected '}', got end of file"},
		{"keyword as name", "typedef long interface;", "main.idl:1:14: expected a typedef name, got 'interface'"},
		{"component unsupported", "component C {};", "main.idl:1:1: component declarations (CORBA Component Model) are not supported"},
		{"pragma ID of unknown name", "#pragma ID Nope \"IDL:x:1.0\"", "main.idl:1:1: Nope is not declared"},
		{"bad string bound", "typedef string<-1> S;", "main.idl:1:16: string bound must be between 1 and 4294967295, got -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseFiles(map[string]string{"main.idl": tc.src}, nil)
			require.Error(t, err)
			var perr *Error
			require.True(t, errors.As(err, &perr), "error %v is not a *parse.Error", err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// Garbage never panics: every prefix of a valid file either parses or
// gives a positioned error.
func TestTruncatedInputNeverPanics(t *testing.T) {
	src := `module M { enum E { A, B }; struct S { long x; sequence<S> k; string<3> s; };
		union U switch (E) { case A: long a; default: string b; };
		interface I { attribute long n; S f(in S a, out E b, inout U c) raises (X); }; exception X { long c; }; };`
	for i := 0; i <= len(src); i++ {
		_, err := parseFiles(map[string]string{"main.idl": src[:i]}, nil)
		if err != nil {
			var perr *Error
			require.True(t, errors.As(err, &perr), "prefix %d: %v", i, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("module M { struct S { long x; }; };")
	f.Add("#define X 1\n#if X\nconst long C = X << 2;\n#endif")
	f.Fuzz(func(t *testing.T, src string) {
		_, err := parseFiles(map[string]string{"main.idl": src}, nil)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || strings.Contains(perr.Msg, "internal error") {
				t.Fatalf("bad error for %q: %v", src, err)
			}
		}
	})
}
