package cppinterop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// lineDiff returns a unified-style diff of two texts ("-" only in want, "+"
// only in got, " " shared), by longest common subsequence of lines, with at
// most context shared lines around each change; "" when they are equal.
func lineDiff(want, got string, context int) string {
	if want == got {
		return ""
	}
	a := strings.Split(want, "\n")
	b := strings.Split(got, "\n")
	// lcs[i][j]: length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		tag  byte
		line string
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	// Keep changes and the shared lines within context of one.
	keep := make([]bool, len(ops))
	for k, o := range ops {
		if o.tag == ' ' {
			continue
		}
		for c := max(0, k-context); c <= min(len(ops)-1, k+context); c++ {
			keep[c] = true
		}
	}
	var out strings.Builder
	out.WriteString("--- want\n+++ got\n")
	skipped := false
	for k, o := range ops {
		if !keep[k] {
			skipped = true
			continue
		}
		if skipped {
			out.WriteString("@@\n")
			skipped = false
		}
		out.WriteByte(o.tag)
		out.WriteString(o.line)
		out.WriteByte('\n')
	}
	return out.String()
}

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"changed line", "a\nb\nc", "a\nB\nc", "--- want\n+++ got\n a\n-b\n+B\n c\n"},
		{"missing line", "a\nb\nc", "a\nc", "--- want\n+++ got\n a\n-b\n c\n"},
		{"extra line", "a\nc", "a\nb\nc", "--- want\n+++ got\n a\n+b\n c\n"},
		{"context trimmed", "1\n2\n3\n4\n5\nx", "1\n2\n3\n4\n5\ny", "--- want\n+++ got\n@@\n 5\n-x\n+y\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.diff, lineDiff(tc.want, tc.got, 1))
		})
	}
}
