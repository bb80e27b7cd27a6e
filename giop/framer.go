package giop

// Framer cuts GIOP messages out of a byte stream fed to it in pieces of any
// size, for a reader that must not block (an event loop reading whatever a
// socket has). It checks and reassembles exactly like Reader.
type Framer struct {
	hdr  [HeaderSize]byte
	nhdr int      // bytes of hdr received
	cur  *Message // frame whose body is being received, if any
	fill int      // bytes of cur.Body received
	// spare is the Message handed to deliver for frames that are not kept
	// for reassembly: one allocation less per message.
	spare Message
	reassembler
}

// NewFramer returns a Framer; maxSize <= 0 means DefaultMaxMessageSize.
func NewFramer(maxSize int) *Framer {
	if maxSize <= 0 {
		maxSize = DefaultMaxMessageSize
	}
	return &Framer{reassembler: reassembler{maxSize: maxSize}}
}

// Feed consumes p, handing each complete message to deliver in order;
// deliver may keep the message's Body but not the *Message itself, which is
// reused. Feed stops when deliver returns false (the caller is ending the
// stream) and reports whether it did not stop. A *ProtocolError means the
// stream is unusable, as from Reader.ReadMessage.
func (f *Framer) Feed(p []byte, deliver func(*Message) bool) (bool, error) {
	for {
		if f.cur == nil {
			if len(p) == 0 {
				return true, nil
			}
			n := copy(f.hdr[f.nhdr:], p)
			f.nhdr += n
			p = p[n:]
			if f.nhdr < HeaderSize {
				return true, nil
			}
			f.nhdr = 0
			h, err := ParseHeader(f.hdr[:])
			if err != nil {
				return false, err
			}
			if int64(h.Size) > int64(f.maxSize) {
				return false, tooLarge(int(h.Size), f.maxSize)
			}
			f.cur, f.fill = &f.spare, 0
			if h.MoreFragments() && h.Type != MsgFragment {
				f.cur = new(Message) // the start of a fragmented message is kept
			}
			*f.cur = Message{Header: h, Body: make([]byte, h.Size)}
		}
		n := copy(f.cur.Body[f.fill:], p)
		f.fill += n
		p = p[n:]
		if f.fill < len(f.cur.Body) {
			return true, nil
		}
		frame := f.cur
		f.cur = nil
		m, err := f.assemble(frame)
		if err != nil {
			return false, err
		}
		if m != nil && !deliver(m) {
			return false, nil
		}
	}
}

// Cut reports why the stream ending now would be a protocol error (it stops
// inside a message), or nil if it ends between messages.
func (f *Framer) Cut() error {
	switch {
	case f.nhdr > 0:
		return protoErrf("connection closed inside a message header")
	case f.cur != nil:
		return protoErrf("connection closed inside a %d-byte message body", len(f.cur.Body))
	}
	return nil
}
