package frontend

import (
	"bytes"

	"concord/frontend/vote"
	"concord/internal/wire"
)

// The RMs replace a replica after 3 *consecutive* wrong answers, but they
// only hear about wrong ones. So the FE remembers which replicas it last
// reported wrong and, when such a replica answers correctly again, sends
// FaultCleared to end the run.

// noteReply remembers a reply until the vote's answer is known, and checks
// replies that arrive after it.
func (s *Server) noteReply(a *active, r vote.Reply) {
	if a.answer != nil {
		s.judgeCorrect(a.answer, r)
		return
	}
	a.early = append(a.early, r)
}

// answered checks every reply that arrived before the answer.
func (s *Server) answered(a *active, ans *vote.Answer) {
	if !ans.Agreed {
		return
	}
	a.answer = ans
	for _, r := range a.early {
		s.judgeCorrect(ans, r)
	}
	a.early = nil
}

func (s *Server) judgeCorrect(ans *vote.Answer, r vote.Reply) {
	if !s.wrongRun[r.Replica] {
		return
	}
	if r.Seq != ans.Seq || r.Status != ans.Status || !bytes.Equal(r.Body, ans.Body) {
		return
	}
	delete(s.wrongRun, r.Replica)
	f := &wire.FaultReport{Replica: r.Replica, Seq: r.Seq, Kind: wire.FaultCleared}
	s.log.Info("frontend: replica answers correctly again", "replica", r.Replica, "seq", r.Seq)
	for _, id := range s.replicas {
		s.send(s.cfg.RMs[id], f, 0)
	}
}
