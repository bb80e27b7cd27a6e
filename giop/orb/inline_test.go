package orb_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/orb"
)

// TestInlineServantAnswersExactlyLikeAGoroutineServant: the same servant
// registered both ways gives byte-identical replies (and silences) for
// results, user and system exceptions, panics, built-ins and oneways, in
// every GIOP version.
func TestInlineServantAnswersExactlyLikeAGoroutineServant(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	sv := &testServant{ids: []string{"IDL:Test/Derived:1.0", "IDL:Test/Base:1.0"}}
	s.adapter.Register([]byte("goroutine"), sv)
	s.adapter.RegisterInline([]byte("inline"), sv)
	str := func(v string) func(*cdr.Encoder) { return func(e *cdr.Encoder) { e.WriteString(v) } }
	calls := []struct {
		op   string
		args func(*cdr.Encoder)
	}{
		{"echo", str("héllo")},
		{"fail", str("thing")},
		{"panic", nil},
		{"frobnicate", nil},
		{"echo", func(e *cdr.Encoder) { e.WriteULong(100) }}, // truncated: MARSHAL
		{"_is_a", str("IDL:Test/Base:1.0")},
		{"_non_existent", nil},
		{"_interface", nil},
	}
	for _, v := range versions {
		for i, c := range calls {
			t.Run(fmt.Sprintf("%v/%s#%d", v, c.op, i), func(t *testing.T) {
				var bodies [2][]byte
				for k, key := range []string{"goroutine", "inline"} {
					r := dialRaw(t, s)
					r.request(v, 9, false, key, "record", func(e *cdr.Encoder) { e.WriteLong(1) }) // oneway: no answer
					r.request(v, 10, true, key, c.op, c.args)
					m := r.read()
					require.Equal(t, giop.MsgReply, m.Header.Type)
					rep, _, err := giop.ParseReply(m, cdr.CodeSets{})
					require.NoError(t, err)
					require.Equal(t, uint32(10), rep.RequestID, "the oneway must not be answered")
					bodies[k] = m.Body
				}
				assert.Equal(t, bodies[0], bodies[1])
			})
		}
	}
}

// TestInlineServantAnswersPipelinedRequestsInOrder: requests sent in one
// burst run one after another on the reading goroutine; every one is
// answered, in order.
func TestInlineServantAnswersPipelinedRequestsInOrder(t *testing.T) {
	s := startServer(t, orb.ServerConfig{})
	s.adapter.RegisterInline([]byte("inline"), &testServant{ids: []string{"IDL:T:1.0"}})
	r := dialRaw(t, s)
	const n = 500
	var burst bytes.Buffer
	for i := 1; i <= n; i++ {
		burst.Write(giop.EncodeRequest(cdr.NewEncoder(false), giop.V1_2, &giop.Request{RequestID: uint32(i), ResponseFlags: giop.ResponseExpected,
			Target: giop.TargetAddress{ObjectKey: []byte("inline")}, Operation: "echo"},
			func(e *cdr.Encoder) { e.WriteString(fmt.Sprint("call ", i)) }))
	}
	go r.nc.Write(burst.Bytes()) //nolint:errcheck // a failure shows as missing replies
	for i := 1; i <= n; i++ {
		rep, d := r.reply()
		require.Equal(t, uint32(i), rep.RequestID)
		require.Equal(t, fmt.Sprint("call ", i), d.ReadString())
	}
}
