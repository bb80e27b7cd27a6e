package rm

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"concord/replicas"
	"concord/replicas/fault"
)

var (
	registryMu sync.Mutex
	registry   = map[string]func() replicas.Service{}
)

// RegisterService makes a service available to `concord replica --service`.
func RegisterService(name string, newService func() replicas.Service) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[name] = newService
}

// NewService makes a registered service.
func NewService(name string) (replicas.Service, error) {
	registryMu.Lock()
	defer registryMu.Unlock()
	f, ok := registry[name]
	if !ok {
		names := make([]string, 0, len(registry))
		for n := range registry {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("unknown service %q (have %v)", name, names)
	}
	return f(), nil
}

// wrongExecutor is implemented by services that can produce well-formed
// wrong replies themselves (dems.Replica.ExecuteWrong).
type wrongExecutor interface {
	ExecuteWrong(replicas.Request) replicas.Reply
}

// ServeReplica is the replica process's main loop: it executes the frames
// read from r against svc and writes the responses to w, until r ends.
// In fault mode "crash" the process exits at the next request, "slow"
// delays every reply and "wrong" corrupts every reply.
func ServeReplica(svc replicas.Service, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriterSize(w, 1<<16)
	var sw fault.Switch
	var out []byte
	for {
		op, body, err := readFrame(br)
		if err == io.EOF {
			return bw.Flush()
		}
		if err != nil {
			return err
		}
		mode := sw.Mode()
		if mode.Kind == fault.Crash && op != opSetFault {
			os.Exit(3) // a real crash: the RM sees EOF
		}
		out = out[:0]
		status := respOK
		switch op {
		case opExecute:
			q, err := parseExecute(body)
			if err != nil {
				return err // the RM speaks the protocol or nothing
			}
			var rep replicas.Reply
			switch we, ok := svc.(wrongExecutor); {
			case mode.Kind == fault.Wrong && ok:
				rep = we.ExecuteWrong(q)
			case mode.Kind == fault.Wrong:
				rep = svc.Execute(q)
				rep.Body = append(append([]byte(nil), rep.Body...), 0xBA, 0xD0)
			default:
				rep = svc.Execute(q)
			}
			if mode.Kind == fault.Slow {
				time.Sleep(mode.Delay)
			}
			out = appendReply(out, &rep)
		case opPrepare:
			q, err := parseExecute(body)
			if err != nil {
				return err
			}
			// Not slowed or corrupted: those faults are about replies.
			if p, ok := svc.(replicas.Preparer); ok {
				out = append(out, p.Prepare(q)...)
			}
		case opSnapshot:
			out = append(out, svc.Snapshot()...)
		case opRestore:
			if err := svc.Restore(body); err != nil {
				status, out = respErr, append(out, err.Error()...)
			}
		case opDigest:
			d := svc.Digest()
			out = append(out, d[:]...)
		case opSetFault:
			m, err := fault.Parse(string(body))
			if err != nil {
				status, out = respErr, append(out, err.Error()...)
			} else {
				sw.Set(m)
			}
		default:
			status, out = respErr, fmt.Appendf(out, "unknown replica op %d", op)
		}
		if err := writeFrame(bw, status, out); err != nil {
			return err
		}
		// Flush when no more requests are waiting: replies of a burst share writes.
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
		}
	}
}
