package giop

import (
	"bytes"
	"testing"

	"concord/giop/cdr"
)

// FuzzReadMessage feeds arbitrary streams to the reader and parses whatever
// comes out: no panic, no allocation beyond the configured maximum.
func FuzzReadMessage(f *testing.F) {
	for _, v := range []Version{V1_0, V1_1, V1_2} {
		f.Add(EncodeRequest(cdr.NewEncoder(v.Minor == 1), v, &Request{RequestID: 1, ResponseFlags: ResponseExpected,
			Operation: "add", Target: TargetAddress{ObjectKey: []byte("Echo")}}, func(e *cdr.Encoder) { e.WriteLong(1); e.WriteLong(2) }))
		f.Add(EncodeReply(cdr.NewEncoder(false), v, &Reply{RequestID: 1}, func(e *cdr.Encoder) { e.WriteLong(3) }))
		f.Add(EncodeLocateRequest(cdr.NewEncoder(true), v, &LocateRequest{RequestID: 2, Target: TargetAddress{ObjectKey: []byte("k")}}))
	}
	f.Add(EncodeFragment(cdr.NewEncoder(false), V1_2, 1, true, []byte("abcdefgh")))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd := NewReader(bytes.NewReader(b), 1<<16)
		for i := 0; i < 16; i++ {
			m, err := rd.ReadMessage()
			if err != nil {
				return
			}
			switch m.Header.Type {
			case MsgRequest:
				if r, d, err := ParseRequest(m, cdr.CodeSets{}); err == nil {
					_, _ = r.Target.Key()
					d.ReadString()
				}
			case MsgReply:
				_, _, _ = ParseReply(m, cdr.CodeSets{})
			case MsgLocateRequest:
				_, _ = ParseLocateRequest(m)
			case MsgLocateReply:
				_, _, _ = ParseLocateReply(m)
			case MsgCancelRequest:
				_, _ = ParseCancelRequest(m)
			}
		}
	})
}
