package rm

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"concord/replicas"
)

// TestMain doubles as the replica process: the RM tests start this test
// binary with CONCORD_TEST_REPLICA=1, and it serves chainService over its pipes.
func TestMain(m *testing.M) {
	if os.Getenv("CONCORD_TEST_REPLICA") == "1" {
		if err := ServeReplica(&chainService{}, os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString("replica: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// chainService is a deterministic test service whose state is a hash chain
// of every request executed, so any difference in order or content shows in
// the digest. Reply: the first 8 bytes of the new state and the count.
type chainService struct {
	state [32]byte
	count uint64
}

func (c *chainService) Name() string { return "chain" }

func (c *chainService) Execute(r replicas.Request) replicas.Reply {
	if r.Operation == "fail" {
		return replicas.Reply{Status: replicas.UserException, Body: []byte("IDL:Test/Failed:1.0")}
	}
	h := sha256.New()
	h.Write(c.state[:])
	h.Write([]byte(r.Operation))
	h.Write(r.Args)
	h.Sum(c.state[:0])
	c.count++
	return replicas.Reply{Body: binary.BigEndian.AppendUint64(append([]byte(nil), c.state[:8]...), c.count)}
}

func (c *chainService) Snapshot() []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), c.state[:]...), c.count)
}

func (c *chainService) Restore(b []byte) error {
	if len(b) != 40 {
		return errors.New("chain snapshot must be 40 bytes")
	}
	copy(c.state[:], b)
	c.count = binary.BigEndian.Uint64(b[32:])
	return nil
}

func (c *chainService) Digest() [32]byte { return sha256.Sum256(c.Snapshot()) }

// replicaCmd runs this test binary as a replica process.
func replicaCmd(t testing.TB) ([]string, []string) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{exe}, append(os.Environ(), "CONCORD_TEST_REPLICA=1")
}
