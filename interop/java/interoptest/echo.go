// Package interoptest holds what the interop tests of every foreign ORB
// share: the Bench::Echo calls the bench clients (Java, Python) make, with
// the lines they must print (in scenario's canonical transcript form).
package interoptest

import (
	"concord/interop/scenario"
	"fmt"
	"strings"
)

// EchoCall is one call a bench client makes (spec, in the clients'
// command-line form) and the line it must print.
type EchoCall struct{ Spec, Want string }

// Ping is a ping call.
func Ping() EchoCall { return EchoCall{"ping", "ping() -> ok"} }

// Add expects IDL long arithmetic: 32-bit two's complement wrap-around.
func Add(a, b int32) EchoCall {
	return EchoCall{fmt.Sprintf("add:%d:%d", a, b), fmt.Sprintf("add(%d, %d) -> %d", a, b, a+b)}
}

// EchoString passes s with non-ASCII as \uXXXX so no locale can mangle argv.
func EchoString(s string) EchoCall {
	q := scenario.Quote(s)
	return EchoCall{"echo:" + q[1:len(q)-1], fmt.Sprintf("echoString(%s) -> %s", q, q)}
}

// EchoLen sends an n-character string and expects it back intact.
func EchoLen(n int) EchoCall {
	return EchoCall{fmt.Sprintf("echolen:%d", n), fmt.Sprintf("echoString(<%d chars>) -> <%d chars, equal>", n, n)}
}

// Specs are the calls in the clients' command-line form.
func Specs(calls []EchoCall) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Spec
	}
	return out
}

// Wants is the output the calls must produce.
func Wants(calls []EchoCall) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString(c.Want)
		b.WriteByte('\n')
	}
	return b.String()
}

// SplitRefs maps each "ref REF" section of a bench client's output to the
// lines after it.
func SplitRefs(out string) map[string]string {
	sections := map[string]string{}
	ref := ""
	for _, line := range strings.SplitAfter(out, "\n") {
		if r, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "ref "); ok {
			ref = r
			continue
		}
		sections[ref] += line
	}
	return sections
}
