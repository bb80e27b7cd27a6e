// Package testtools lets tests demand external tools (omniidl, g++, java...)
// without ever reporting a skipped test as passing in CI: when a tool is
// missing the test fails if CI or CONCORD_REQUIRE_TOOLS is set (scripts/test.sh
// sets it), and skips with a message naming the missing package otherwise.
package testtools

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether missing tools must fail the test.
func Required() bool {
	return os.Getenv("CI") != "" || os.Getenv("CONCORD_REQUIRE_TOOLS") != ""
}

// Missing fails or skips t because what is missing (install hint: how).
func Missing(t testing.TB, what, how string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is missing (install: %s); required in CI", what, how)
	}
	t.Skipf("skipping: %s is missing (install: %s)", what, how)
}

// LookPath returns the path of command name, or fails/skips t naming the
// package that provides it.
func LookPath(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, pkg)
	}
	return p
}

// File checks that path exists, or fails/skips t naming the package.
func File(t testing.TB, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, path, pkg)
	}
}

// OmniIDL returns the omniidl that matches the omniORB C++ headers: Debian's
// /usr/bin/omniidl. A pip-installed omniORBpy may put a newer omniidl first
// on PATH whose C++ output does not compile against Debian's headers.
func OmniIDL(t testing.TB) string {
	t.Helper()
	const debian = "/usr/bin/omniidl"
	if _, err := os.Stat(debian); err == nil {
		return debian
	}
	return LookPath(t, "omniidl", "Debian package omniidl")
}
