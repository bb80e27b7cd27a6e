package frontend

import (
	"fmt"
	"net/netip"
	"time"

	"concord/frontend/submit"
	"concord/frontend/timeout"
	"concord/internal/cluster"
	"concord/internal/wire"
)

// FromCluster builds the voted (DEMS) front end's Config from the cluster
// config shared by every component. Logger and Metrics are left to the caller.
func FromCluster(c *cluster.Config) (Config, error) {
	var cfg Config
	if err := c.Validate(); err != nil {
		return cfg, err
	}
	seq, err := netip.ParseAddrPort(c.Sequencer.Addr)
	if err != nil {
		return cfg, fmt.Errorf("sequencer.addr: %w", err)
	}
	udp, err := netip.ParseAddrPort(c.FrontEnd.UDP)
	if err != nil {
		return cfg, fmt.Errorf("frontend.udp: %w", err)
	}
	rms := map[uint32]netip.AddrPort{}
	for _, r := range c.Group(cluster.DEMS) {
		a, err := netip.ParseAddrPort(r.Addr)
		if err != nil {
			return cfg, fmt.Errorf("rm %d addr: %w", r.ID, err)
		}
		rms[r.ID] = a
	}
	t := c.Timeouts
	floor, ceil := t.CrashFloor.D(), t.CrashCeil.D()
	rto := t.Retransmit.D()
	cfg = Config{
		ID:        c.FrontEnd.ID,
		Key:       wire.NewKey([]byte(c.Key)),
		Sequencer: seq,
		RMs:       rms,
		F:         c.F,
		Timeout: timeout.Config{Floor: floor, Ceiling: ceil,
			Initial: min(max(200*time.Millisecond, floor), ceil)},
		// Long enough for every retransmission and then a crash timeout.
		GiveUp: max(5*time.Second, 2*ceil),
		Submit: submit.Config{FE: c.FrontEnd.ID, RTO: rto, MaxRTO: max(16*rto, 100*time.Millisecond),
			MaxSends: 10, MaxOutstanding: 65536},
	}
	if udp.Port() != 0 && !udp.Addr().IsUnspecified() {
		cfg.ReplyTo = udp
	}
	return cfg, nil
}
