package fault

import (
	"os"
	"time"

	"concord/giop/orb"
	"concord/replicas"
	"concord/replicas/internal/cdrio"
)

// WrongExecutor is implemented by services that can run a request
// correctly but answer it wrongly: a reply that decodes fine and differs
// from the correct one in a deterministic way, so every faulty replica lies
// alike and a voter can still parse the lie. dems.Replica and
// justhungry.Replica implement it.
type WrongExecutor interface {
	ExecuteWrong(r replicas.Request) replicas.Reply
}

// CrashExitCode is the status a replica process exits with in crash mode,
// so its host can tell an injected crash from a real one in the logs.
const CrashExitCode = 86

// Hooks are the side effects of the crash and slow modes; tests replace them.
type Hooks struct {
	// Exit ends the process (default os.Exit). If it returns, as a test's
	// does, the request is then executed normally.
	Exit func(code int)
	// Sleep delays a reply (default time.Sleep).
	Sleep func(time.Duration)
}

// Wrap returns s behind the fault switch sw. The mode is read on every
// request, so it can be changed at run time from the host's control path.
func Wrap(s replicas.Service, sw *Switch, h Hooks) replicas.Service {
	if h.Exit == nil {
		h.Exit = os.Exit
	}
	if h.Sleep == nil {
		h.Sleep = time.Sleep
	}
	return &faulty{Service: s, sw: sw, hooks: h}
}

type faulty struct {
	replicas.Service
	sw    *Switch
	hooks Hooks
}

func (f *faulty) Execute(r replicas.Request) replicas.Reply {
	m := f.sw.Mode()
	switch m.Kind {
	case Crash:
		f.hooks.Exit(CrashExitCode) // before executing: the request is lost with the process
	case Wrong:
		if w, ok := f.Service.(WrongExecutor); ok {
			return w.ExecuteWrong(r)
		}
		// A service without its own lie still runs the request (its state
		// stays correct) but answers with a well-formed exception instead.
		f.Service.Execute(r)
		return cdrio.SystemException(r.Enc, orb.NewSystemException(orb.INTERNAL, wrongMinor, orb.CompletedYes, "wrong-results fault"))
	case Slow:
		rep := f.Service.Execute(r)
		f.hooks.Sleep(m.Delay)
		return rep
	}
	return f.Service.Execute(r)
}

// wrongMinor marks the fallback wrong answer ("WRNG") in captures.
const wrongMinor = 0x57524e47
