package rm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"

	"concord/replicas"
)

// ErrReplicaDead is returned for calls to a replica process that has exited.
var ErrReplicaDead = errors.New("replica process is dead")

// Proc is a replica running as a child process, driven over its pipes.
// Calls are pipelined: responses arrive in call order on a reader goroutine.
type Proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu      sync.Mutex // guards w, pending, dead
	w       *bufio.Writer
	pending []func(status byte, body []byte, err error)
	gone    bool

	dead   chan struct{}
	onIdle atomic.Pointer[func()]
}

// SetOnIdle sets f to run on the reader goroutine whenever no more responses
// are buffered (the RM flushes its batched replies there).
func (p *Proc) SetOnIdle(f func()) { p.onIdle.Store(&f) }

// StartProc starts argv[0] with argv[1:] as a replica process. Its stderr
// goes to stderr (nil: discarded).
func StartProc(argv []string, env []string, stderr io.Writer) (*Proc, error) {
	if len(argv) == 0 {
		return nil, errors.New("replica command is empty")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start replica %s: %w", argv[0], err)
	}
	p := &Proc{cmd: cmd, stdin: in, w: bufio.NewWriterSize(in, 1<<16), dead: make(chan struct{})}
	go p.read(bufio.NewReaderSize(out, 1<<16))
	return p, nil
}

// Pid is the process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Dead is closed when the process has exited (or its pipe broke).
func (p *Proc) Dead() <-chan struct{} { return p.dead }

// Kill kills the process (SIGKILL) and waits for Dead.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.dead
}

func (p *Proc) read(r *bufio.Reader) {
	var err error
	for {
		var st byte
		var body []byte
		st, body, err = readFrame(r)
		if err != nil {
			break
		}
		p.mu.Lock()
		if len(p.pending) == 0 {
			p.mu.Unlock()
			err = errors.New("replica protocol: response without a request")
			break
		}
		cb := p.pending[0]
		p.pending[0] = nil
		p.pending = p.pending[1:]
		p.mu.Unlock()
		cb(st, body, nil)
		if r.Buffered() == 0 {
			if f := p.onIdle.Load(); f != nil {
				(*f)()
			}
		}
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.mu.Lock()
	p.gone = true
	pend := p.pending
	p.pending = nil
	p.mu.Unlock()
	for _, cb := range pend {
		cb(0, nil, ErrReplicaDead)
	}
	close(p.dead)
}

// call queues one request; Flush sends the queue.
func (p *Proc) call(op byte, body []byte, cb func(byte, []byte, error)) {
	p.mu.Lock()
	if p.gone {
		p.mu.Unlock()
		cb(0, nil, ErrReplicaDead)
		return
	}
	p.pending = append(p.pending, cb)
	err := writeFrame(p.w, op, body)
	p.mu.Unlock()
	if err != nil {
		_ = p.cmd.Process.Kill() // the reader goroutine fails the pending calls
	}
}

// Flush sends queued calls to the process.
func (p *Proc) Flush() {
	p.mu.Lock()
	err := p.w.Flush()
	p.mu.Unlock()
	if err != nil {
		_ = p.cmd.Process.Kill()
	}
}

// Execute runs q; done is called on the reader goroutine, in call order.
func (p *Proc) Execute(q *replicas.Request, done func(replicas.Reply, error)) {
	p.call(opExecute, appendExecute(nil, q), func(st byte, body []byte, err error) {
		if err == nil && st != respOK {
			err = fmt.Errorf("replica: %s", body)
		}
		if err != nil {
			done(replicas.Reply{}, err)
			return
		}
		done(parseReply(body))
	})
}

// Prepare obtains the inputs q needs (see replicas.Preparer); done is
// called on the reader goroutine, in call order.
func (p *Proc) Prepare(q *replicas.Request, done func([]byte, error)) {
	p.call(opPrepare, appendExecute(nil, q), func(st byte, body []byte, err error) {
		if err == nil && st != respOK {
			err = fmt.Errorf("replica prepare: %s", body)
		}
		done(body, err)
	})
}

// Snapshot asks for the state after every call made so far.
func (p *Proc) Snapshot(done func([]byte, error)) {
	p.call(opSnapshot, nil, func(st byte, body []byte, err error) {
		if err == nil && st != respOK {
			err = fmt.Errorf("replica snapshot: %s", body)
		}
		done(body, err)
	})
}

// sync makes a call and waits for its response.
func (p *Proc) sync(op byte, body []byte) ([]byte, error) {
	type res struct {
		b   []byte
		err error
	}
	ch := make(chan res, 1)
	p.call(op, body, func(st byte, b []byte, err error) {
		if err == nil && st != respOK {
			err = fmt.Errorf("replica: %s", b)
		}
		ch <- res{b, err}
	})
	p.Flush()
	r := <-ch
	return r.b, r.err
}

// Restore replaces the replica's state.
func (p *Proc) Restore(snapshot []byte) error {
	_, err := p.sync(opRestore, snapshot)
	return err
}

// Digest returns the replica's state digest.
func (p *Proc) Digest() ([32]byte, error) {
	var d [32]byte
	b, err := p.sync(opDigest, nil)
	if err == nil && len(b) != 32 {
		err = fmt.Errorf("replica digest of %d bytes", len(b))
	}
	copy(d[:], b)
	return d, err
}

// SetFault sets the simulated fault mode ("correct", "wrong", "crash", "slow:10ms").
func (p *Proc) SetFault(mode string) error {
	_, err := p.sync(opSetFault, []byte(mode))
	return err
}
