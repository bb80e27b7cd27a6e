package rm

import "concord/internal/wire"

// Recovery of a new primary. A backup cut off for longer than BackupTimeout
// misses updates the old primary replied to (it stopped waiting for it); if
// that backup is next in the takeover order and served from its own state,
// those updates would be lost. So a new primary first asks every member
// for its rank, waits for the reports (bounded by BackupTimeout/2, less
// than the FE's patience), and pulls the state of the
// most advanced one if that is ahead of its own. Members report with a
// PBAck{View: lastView, Applied: position} while unsynced.

// beginRecovery starts collecting ranks; the caller just entered a view as
// its primary.
func (p *PrimaryBackup) beginRecovery() {
	p.recovering, p.pulling = true, 0
	p.recoverSince = p.now
	clear(p.ranks)
	p.waitFor = p.waitFor[:0]
	// Wait for every member but the primary this view replaces (suspected
	// dead; its report still counts if it comes in time). Recent silence
	// proves nothing here: this member may itself just be back from a
	// partition.
	prev := p.cfg.Members[(p.view-1)%uint64(len(p.cfg.Members))].ID
	for _, m := range p.cfg.Members {
		if m.ID != p.cfg.Self && m.ID != prev {
			p.waitFor = append(p.waitFor, m.ID)
		}
	}
	// Tell everyone now: members learn the view and report their rank.
	p.lastAnnounce = p.now
	for _, m := range p.cfg.Members {
		if m.ID != p.cfg.Self {
			p.send(m.Addr, &wire.Primary{View: p.view, Primary: p.cfg.Self})
		}
	}
	p.decide(false)
}

// decide pulls from the most advanced member once every recently heard
// member reported (or force: the wait is over), or ends the recovery if no
// member is ahead of this one.
func (p *PrimaryBackup) decide(force bool) {
	if !p.recovering || p.pulling != 0 {
		return
	}
	if !force {
		for _, id := range p.waitFor {
			if _, ok := p.ranks[id]; !ok {
				return
			}
		}
	}
	best, src := rank{p.lastView, p.issued}, uint32(0)
	for _, m := range p.cfg.Members { // member order: deterministic ties
		if r, ok := p.ranks[m.ID]; ok && r.after(best) {
			best, src = r, m.ID
		}
	}
	if src == 0 {
		p.endRecovery()
		return
	}
	for _, m := range p.cfg.Members {
		if m.ID == src {
			p.pulling, p.pullSince = src, p.now
			p.out = append(p.out, SyncFrom{View: p.view, Primary: m})
		}
	}
}

// recoveryTick bounds the wait for reports and for the pull: a source that
// does not deliver its state in BackupTimeout is dropped and the next best
// one is tried.
func (p *PrimaryBackup) recoveryTick() {
	switch {
	case p.pulling == 0 && p.now-p.recoverSince >= p.cfg.BackupTimeout/2:
		p.decide(true)
	case p.pulling != 0 && p.now-p.pullSince >= p.cfg.BackupTimeout:
		delete(p.ranks, p.pulling)
		p.pulling = 0
		p.decide(true)
	}
}

// endRecovery starts serving from the state this member now has.
func (p *PrimaryBackup) endRecovery() {
	p.recovering, p.pulling = false, 0
	p.lastView = p.view
	p.base, p.shipped, p.replied = p.issued, p.issued, p.issued
	p.log = p.log[:0]
	for i := range p.backups {
		b := &p.backups[i]
		b.acked, b.sent, b.synced = p.issued, p.issued, false
	}
}

// report tells the primary of the current view this unsynced member's rank.
func (p *PrimaryBackup) report() {
	if p.IsPrimary() || p.synced {
		return
	}
	p.lastAck = p.now
	p.send(p.Primary().Addr, &wire.PBAck{View: p.lastView, Applied: p.applied})
}
