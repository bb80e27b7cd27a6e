package giop

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxMessageSize bounds a message, reassembled fragments included,
// unless a Reader is configured otherwise.
const DefaultMaxMessageSize = 64 << 20

// maxPendingFragmented bounds the GIOP 1.2 messages being reassembled at once
// on one connection, so a peer cannot hold unbounded partial state.
const maxPendingFragmented = 64

// Reader reads complete GIOP messages from a byte stream, reassembling
// fragmented ones. It is not safe for concurrent use.
type Reader struct {
	r   *bufio.Reader
	hdr [HeaderSize]byte
	reassembler
}

// reassembler joins fragments to the messages they continue; Reader and
// Framer share it.
type reassembler struct {
	maxSize int
	// partial11 is the GIOP 1.0/1.1 fragmented message in progress (only one
	// may be in progress at a time in 1.1).
	partial11 *Message
	// partial12 holds GIOP 1.2 fragmented messages by request id.
	partial12 map[uint32]*Message
}

// NewReader returns a Reader; maxSize <= 0 means DefaultMaxMessageSize.
func NewReader(r io.Reader, maxSize int) *Reader {
	if maxSize <= 0 {
		maxSize = DefaultMaxMessageSize
	}
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), reassembler: reassembler{maxSize: maxSize}}
}

// Buffered reports how many bytes are already read from the stream but not
// yet returned, so a caller can tell whether more messages are queued.
func (rd *Reader) Buffered() int { return rd.r.Buffered() }

func tooLarge(size, max int) error {
	return &ProtocolError{Msg: fmt.Sprintf("message of %d bytes exceeds the maximum of %d", size, max), TooLarge: true}
}

// readFrame reads one framed message exactly as sent.
func (rd *Reader) readFrame() (*Message, error) {
	if _, err := io.ReadFull(rd.r, rd.hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, protoErrf("connection closed inside a message header")
		}
		return nil, err
	}
	h, err := ParseHeader(rd.hdr[:])
	if err != nil {
		return nil, err
	}
	if int64(h.Size) > int64(rd.maxSize) {
		return nil, tooLarge(int(h.Size), rd.maxSize)
	}
	m := &Message{Header: h, Body: make([]byte, h.Size)}
	if _, err := io.ReadFull(rd.r, m.Body); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, protoErrf("connection closed inside a %d-byte message body", h.Size)
		}
		return nil, err
	}
	return m, nil
}

// ReadMessage returns the next complete message. Fragment messages are
// absorbed into the message they continue; a *ProtocolError means the
// stream is unusable (answer MessageError, then close).
func (rd *Reader) ReadMessage() (*Message, error) {
	for {
		m, err := rd.readFrame()
		if err != nil {
			return nil, err
		}
		done, err := rd.assemble(m)
		if err != nil || done != nil {
			return done, err
		}
	}
}

// fragmentable reports whether a message type may be split into fragments.
func fragmentable(t MsgType) bool {
	return t == MsgRequest || t == MsgReply || t == MsgLocateRequest || t == MsgLocateReply
}

// assemble feeds one frame to the reassembly state and returns a message when
// one is complete.
func (rd *reassembler) assemble(m *Message) (*Message, error) {
	v := m.Header.Version
	if m.Header.Type != MsgFragment {
		if m.Header.MoreFragments() {
			if !fragmentable(m.Header.Type) {
				return nil, protoErrf("%v with the more-fragments flag", m.Header.Type)
			}
			return nil, rd.startFragmented(m)
		}
		if m.Header.Type == MsgCancelRequest && v.Minor >= 2 && len(m.Body) >= 4 {
			// A cancelled request may be cut short in the middle of its fragments.
			delete(rd.partial12, readID(m.Body, m.Header.LittleEndian()))
		}
		return m, nil
	}
	if v.Minor < 2 {
		p := rd.partial11
		if p == nil {
			return nil, protoErrf("GIOP %s Fragment without a fragmented message in progress", v)
		}
		if p.Header.Version != v || p.Header.LittleEndian() != m.Header.LittleEndian() {
			return nil, protoErrf("Fragment does not match the version or byte order of its message")
		}
		if err := rd.appendFragment(p, m.Body); err != nil {
			return nil, err
		}
		if m.Header.MoreFragments() {
			return nil, nil
		}
		rd.partial11 = nil
		return finishFragmented(p), nil
	}
	if len(m.Body) < 4 {
		return nil, protoErrf("GIOP 1.2 Fragment of %d bytes has no request id", len(m.Body))
	}
	id := readID(m.Body, m.Header.LittleEndian())
	p := rd.partial12[id]
	if p == nil {
		return nil, protoErrf("GIOP 1.2 Fragment for request %d, which is not being fragmented", id)
	}
	if p.Header.LittleEndian() != m.Header.LittleEndian() {
		return nil, protoErrf("Fragment byte order differs from its message's")
	}
	if err := rd.appendFragment(p, m.Body[4:]); err != nil {
		return nil, err
	}
	if m.Header.MoreFragments() {
		return nil, nil
	}
	delete(rd.partial12, id)
	return finishFragmented(p), nil
}

func readID(b []byte, little bool) uint32 {
	if little {
		return binary.LittleEndian.Uint32(b)
	}
	return binary.BigEndian.Uint32(b)
}

func (rd *reassembler) startFragmented(m *Message) error {
	v := m.Header.Version
	if v.Minor == 0 {
		return protoErrf("more-fragments flag in GIOP 1.0")
	}
	if v.Minor == 1 {
		if rd.partial11 != nil {
			return protoErrf("GIOP 1.1 fragmented message started while another is in progress")
		}
		rd.partial11 = m
		return nil
	}
	if len(m.Body) < 4 {
		return protoErrf("fragmented %v without a request id", m.Header.Type)
	}
	id := readID(m.Body, m.Header.LittleEndian())
	if rd.partial12 == nil {
		rd.partial12 = make(map[uint32]*Message)
	}
	if _, dup := rd.partial12[id]; dup {
		return protoErrf("request %d is already being fragmented", id)
	}
	if len(rd.partial12) >= maxPendingFragmented {
		return protoErrf("more than %d fragmented messages in progress", maxPendingFragmented)
	}
	rd.partial12[id] = m
	return nil
}

func (rd *reassembler) appendFragment(p *Message, data []byte) error {
	if len(p.Body)+len(data) > rd.maxSize {
		return tooLarge(len(p.Body)+len(data), rd.maxSize)
	}
	p.Body = append(p.Body, data...)
	return nil
}

func finishFragmented(p *Message) *Message {
	p.Header.Flags &^= FlagMoreFragments
	p.Header.Size = uint32(len(p.Body))
	return p
}
