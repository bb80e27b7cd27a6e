package fault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/replicas"
	"concord/replicas/dems"
	"concord/replicas/fault"
)

// counter is a minimal service without a wrong mode of its own.
type counter struct{ n uint32 }

func (c *counter) Name() string { return "counter" }
func (c *counter) Execute(r replicas.Request) replicas.Reply {
	c.n++
	e := cdr.NewEncoderAt(r.Enc.LittleEndian, int(r.Enc.ReplyOffset))
	e.WriteULong(c.n)
	return replicas.Reply{Body: e.Bytes()}
}
func (c *counter) Snapshot() []byte       { return []byte{byte(c.n)} }
func (c *counter) Restore(b []byte) error { c.n = uint32(b[0]); return nil }
func (c *counter) Digest() [32]byte       { return [32]byte{byte(c.n)} }

func bookReq() replicas.Request {
	enc := replicas.Encoding{LittleEndian: true, ReplyOffset: 4, ArgsOffset: 4, GIOPMinor: 2}
	e := cdr.NewEncoderAt(true, 4)
	e.WriteString("MTLC0001")
	e.WriteString("MTLA100626")
	e.WriteULong(uint32(dems.Seminars)) // in the sample data
	return replicas.Request{Operation: "bookEvent", Args: e.Bytes(), Enc: enc}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name      string
		mode      fault.Mode
		svc       func() replicas.Service
		wantSame  bool // reply equals the unwrapped service's
		wantExit  []int
		wantSleep []time.Duration
		status    replicas.ReplyStatus
	}{
		{"correct", fault.Mode{Kind: fault.Correct}, dems.NewService, true, nil, nil, replicas.NoException},
		{"wrong uses the service's lie", fault.Mode{Kind: fault.Wrong}, dems.NewService, false, nil, nil, replicas.NoException},
		{"wrong without a lie: exception", fault.Mode{Kind: fault.Wrong}, func() replicas.Service { return &counter{} }, false, nil, nil, replicas.SystemException},
		{"slow", fault.Mode{Kind: fault.Slow, Delay: 30 * time.Millisecond}, dems.NewService, true, nil, []time.Duration{30 * time.Millisecond}, replicas.NoException},
		{"crash", fault.Mode{Kind: fault.Crash}, dems.NewService, true, []int{fault.CrashExitCode}, nil, replicas.NoException},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var exits []int
			var sleeps []time.Duration
			var sw fault.Switch
			sw.Set(tc.mode)
			plain, inner := tc.svc(), tc.svc()
			w := fault.Wrap(inner, &sw, fault.Hooks{
				Exit:  func(code int) { exits = append(exits, code) },
				Sleep: func(d time.Duration) { sleeps = append(sleeps, d) },
			})
			want, got := plain.Execute(bookReq()), w.Execute(bookReq())
			assert.Equal(t, tc.wantSame, assert.ObjectsAreEqual(want, got), "want %x got %x", want.Body, got.Body)
			assert.Equal(t, tc.status, got.Status)
			assert.Equal(t, tc.wantExit, exits)
			assert.Equal(t, tc.wantSleep, sleeps)
			assert.Equal(t, plain.Digest(), w.Digest(), "faults never corrupt the state")
			assert.Equal(t, plain.Name(), w.Name())

			// Switching back to correct at run time takes effect at once.
			sw.Set(fault.Mode{Kind: fault.Correct})
			require.Equal(t, plain.Execute(bookReq()), w.Execute(bookReq()))
		})
	}
}
