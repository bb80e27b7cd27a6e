package wire

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateCorpus = flag.Bool("update", false, "rewrite the FuzzOpen seed corpus in testdata")

// fuzzKey is the key the seed corpus was sealed with.
var fuzzKey = NewKey([]byte("fuzz"))

// FuzzOpen checks that Open never panics, and that whatever it accepts
// re-seals to exactly the same bytes (the encoding is canonical).
func FuzzOpen(f *testing.F) {
	for _, p := range samplePackets() {
		b, err := Seal(fuzzKey, p)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Open(fuzzKey, b)
		if err != nil {
			if ReasonOf(err) == ReasonNone {
				t.Fatalf("error without a reason: %v", err)
			}
			return
		}
		again, err := Seal(fuzzKey, p)
		if err != nil {
			t.Fatalf("accepted datagram does not re-seal: %v", err)
		}
		if string(again) != string(b) {
			t.Fatalf("re-sealed datagram differs:\n%x\n%x", b, again)
		}
	})
}

// TestWriteFuzzCorpus keeps testdata/fuzz/FuzzOpen in step with the
// encoding: run with -update to regenerate it.
func TestWriteFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzOpen")
	i := 0
	for _, name := range sortedKeys(samplePackets()) {
		b, err := Seal(fuzzKey, samplePackets()[name])
		require.NoError(t, err)
		file := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		i++
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if *updateCorpus {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
			continue
		}
		got, err := os.ReadFile(file)
		require.NoError(t, err, "seed corpus missing: run go test -run TestWriteFuzzCorpus -update")
		require.Equal(t, content, string(got), "seed corpus stale: run go test -run TestWriteFuzzCorpus -update")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
