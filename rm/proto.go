package rm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"concord/replicas"
)

// The replica protocol runs over the replica process's stdin (requests) and
// stdout (responses). Every frame is length(4, big-endian, counting what
// follows) op(1) body. Responses come back in request order with op 0 (ok)
// or 1 (error: body is the message). Bodies:
//
//	Execute  enc(12) operation(str16) args(bytes32) inputs(bytes32)
//	         -> status(4) body(bytes32) inputs(bytes32)
//	Snapshot -> snapshot bytes
//	Restore  snapshot bytes -> empty
//	Digest   -> 32 bytes
//	SetFault mode string (fault.Parse syntax) -> empty
//	Prepare  as Execute (inputs empty) -> inputs (empty if none needed)
const (
	opExecute  byte = 1
	opSnapshot byte = 2
	opRestore  byte = 3
	opDigest   byte = 4
	opSetFault byte = 5
	opPrepare  byte = 6

	respOK  byte = 0
	respErr byte = 1

	// maxFrame bounds a frame before its body is allocated.
	maxFrame = 256 << 20
)

func writeFrame(w *bufio.Writer, op byte, body []byte) error {
	var h [5]byte
	binary.BigEndian.PutUint32(h[:4], uint32(len(body)+1))
	h[4] = op
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func readFrame(r *bufio.Reader) (byte, []byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[:4])
	if n == 0 || n > maxFrame {
		return 0, nil, fmt.Errorf("replica protocol: frame length %d", n)
	}
	body := make([]byte, n-1)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, err
	}
	return h[4], body, nil
}

func appendExecute(b []byte, q *replicas.Request) []byte {
	var f byte
	if q.Enc.LittleEndian {
		f = 1
	}
	b = append(b, f, q.Enc.ArgsOffset, q.Enc.ReplyOffset, q.Enc.GIOPMinor)
	b = binary.BigEndian.AppendUint32(b, q.Enc.CharCodeSet)
	b = binary.BigEndian.AppendUint32(b, q.Enc.WCharCodeSet)
	b = binary.BigEndian.AppendUint16(b, uint16(len(q.Operation)))
	b = append(b, q.Operation...)
	b = appendB32(b, q.Args)
	return appendB32(b, q.Inputs)
}

func appendB32(b, v []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

// cursor reads a frame body; the first overrun sticks.
type cursor struct {
	b   []byte
	err error
}

func (c *cursor) take(n int) []byte {
	if c.err != nil || n < 0 || n > len(c.b) {
		if c.err == nil {
			c.err = errors.New("replica protocol: truncated frame")
		}
		return nil
	}
	v := c.b[:n:n]
	c.b = c.b[n:]
	return v
}

func (c *cursor) u32() uint32 {
	if v := c.take(4); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}

func (c *cursor) b32() []byte { return c.take(int(c.u32())) }

func parseExecute(body []byte) (replicas.Request, error) {
	c := &cursor{b: body}
	var q replicas.Request
	if e := c.take(4); e != nil {
		q.Enc = replicas.Encoding{LittleEndian: e[0]&1 == 1, ArgsOffset: e[1], ReplyOffset: e[2], GIOPMinor: e[3]}
	}
	q.Enc.CharCodeSet = c.u32()
	q.Enc.WCharCodeSet = c.u32()
	if l := c.take(2); l != nil {
		q.Operation = string(c.take(int(binary.BigEndian.Uint16(l))))
	}
	q.Args = c.b32()
	q.Inputs = c.b32()
	if c.err == nil && len(c.b) != 0 {
		c.err = errors.New("replica protocol: trailing bytes in execute")
	}
	return q, c.err
}

func appendReply(b []byte, r *replicas.Reply) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(r.Status))
	b = appendB32(b, r.Body)
	return appendB32(b, r.Inputs)
}

func parseReply(body []byte) (replicas.Reply, error) {
	c := &cursor{b: body}
	r := replicas.Reply{Status: replicas.ReplyStatus(c.u32())}
	r.Body = c.b32()
	r.Inputs = c.b32()
	if c.err == nil && len(c.b) != 0 {
		c.err = errors.New("replica protocol: trailing bytes in reply")
	}
	return r, c.err
}
