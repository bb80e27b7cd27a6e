// Package cluster is the configuration shared by every component of a
// concord cluster (front end, sequencer, replica managers): who is where,
// the cluster key and the timeouts. It loads from a JSON file, and Default
// gives a loopback cluster so that `concord up` needs no file.
package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"
)

// Service names used in RM entries.
const (
	DEMS       = "dems"       // active replication through the sequencer
	JustHungry = "justhungry" // passive replication (primary-backup)
)

// Duration is a time.Duration written as a Go duration string ("250ms").
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"250ms\": %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// D is the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// FrontEnd is where the front end listens.
type FrontEnd struct {
	ID      uint32 `json:"id"`      // sender id on the internal protocol
	IIOP    string `json:"iiop"`    // host:port for CORBA clients
	UDP     string `json:"udp"`     // host:port for sequencer acks and replies
	Metrics string `json:"metrics"` // host:port of the metrics HTTP endpoint ("" = off)
}

// Node is a sequencer's id and UDP address.
type Node struct {
	ID   uint32 `json:"id"`
	Addr string `json:"addr"`
}

// RM is one replica manager: its id, UDP address and the service its replica runs.
type RM struct {
	ID      uint32 `json:"id"`
	Addr    string `json:"addr"`
	Service string `json:"service"`
}

// Timeouts of the protocol.
type Timeouts struct {
	Retransmit  Duration `json:"retransmit"`   // FE resends an unacknowledged request
	CrashFloor  Duration `json:"crash_floor"`  // lowest crash-detection timeout
	CrashCeil   Duration `json:"crash_ceil"`   // highest crash-detection timeout
	RMSilence   Duration `json:"rm_silence"`   // sequencer stops waiting for a silent RM
	Heartbeat   Duration `json:"heartbeat"`    // sequencer heartbeat / RM ack interval
	StateFetch  Duration `json:"state_fetch"`  // resend interval of state-transfer requests
	PrimaryWait Duration `json:"primary_wait"` // FE waits this long for a primary before failing over
}

// Config is a whole cluster.
type Config struct {
	Key       string   `json:"key"` // cluster key for the datagram HMAC
	F         int      `json:"f"`   // replicas that may be faulty at once
	FrontEnd  FrontEnd `json:"frontend"`
	Sequencer Node     `json:"sequencer"`
	RMs       []RM     `json:"rms"`
	Postcodes string   `json:"postcodes"` // base URL of the postcode web service
	Timeouts  Timeouts `json:"timeouts"`
	// Multicast, if set ("239.1.2.3:7200"), is the IPv4 group the sequencer
	// sends each Sequenced datagram to once, out of MulticastIface (default
	// "lo"); off: one unicast copy per RM. NAK repairs stay unicast.
	Multicast      string `json:"multicast,omitempty"`
	MulticastIface string `json:"multicast_iface,omitempty"`
}

// MulticastGroup is the parsed Multicast group (ok false: multicast off).
func (c *Config) MulticastGroup() (group netip.AddrPort, iface string, ok bool) {
	if c.Multicast == "" {
		return netip.AddrPort{}, "", false
	}
	iface = c.MulticastIface
	if iface == "" {
		iface = "lo"
	}
	return netip.MustParseAddrPort(c.Multicast), iface, true // validated
}

// Default is a loopback cluster: FE on 2809, sequencer, 4 DEMS RMs and 3
// Just Hungry RMs on fixed UDP ports.
func Default() *Config {
	c := &Config{
		Key: "concord-default-cluster-key",
		F:   1,
		FrontEnd: FrontEnd{ID: 100, IIOP: "127.0.0.1:2809", UDP: "127.0.0.1:7100",
			Metrics: "127.0.0.1:9100"},
		Sequencer: Node{ID: 1, Addr: "127.0.0.1:7101"},
		Postcodes: "http://127.0.0.1:7180",
		Timeouts: Timeouts{
			Retransmit: Duration(5 * time.Millisecond), CrashFloor: Duration(50 * time.Millisecond),
			CrashCeil: Duration(2 * time.Second), RMSilence: Duration(500 * time.Millisecond),
			Heartbeat: Duration(5 * time.Millisecond), StateFetch: Duration(20 * time.Millisecond),
			PrimaryWait: Duration(200 * time.Millisecond),
		},
	}
	for i := 0; i < 4; i++ {
		c.RMs = append(c.RMs, RM{ID: uint32(11 + i), Addr: fmt.Sprintf("127.0.0.1:%d", 7111+i), Service: DEMS})
	}
	for i := 0; i < 3; i++ {
		c.RMs = append(c.RMs, RM{ID: uint32(21 + i), Addr: fmt.Sprintf("127.0.0.1:%d", 7121+i), Service: JustHungry})
	}
	return c
}

// Load reads a JSON config file. Fields left out keep Default's values,
// unknown fields are an error (a typo must not silently fall back).
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cluster config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("cluster config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and validates a JSON config.
func Parse(b []byte) (*Config, error) {
	c := Default()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("JSON syntax error at byte %d: %v", se.Offset, err)
		}
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks that the config is usable, naming the first bad field.
func (c *Config) Validate() error {
	if len(c.Key) < 8 {
		return errors.New("key: must be at least 8 characters")
	}
	if c.F < 0 {
		return fmt.Errorf("f: %d is negative", c.F)
	}
	ids := map[uint32]string{}
	addrs := map[netip.AddrPort]string{}
	claim := func(what string, id uint32, addr string) error {
		if id == 0 {
			return fmt.Errorf("%s: id must be > 0", what)
		}
		if other, dup := ids[id]; dup {
			return fmt.Errorf("%s: id %d already used by %s", what, id, other)
		}
		ids[id] = what
		ap, err := netip.ParseAddrPort(addr)
		if err != nil {
			return fmt.Errorf("%s: address %q: %v", what, addr, err)
		}
		if other, dup := addrs[ap]; dup && ap.Port() != 0 {
			return fmt.Errorf("%s: address %s already used by %s", what, addr, other)
		}
		addrs[ap] = what
		return nil
	}
	if err := claim("frontend", c.FrontEnd.ID, c.FrontEnd.UDP); err != nil {
		return err
	}
	if _, err := netip.ParseAddrPort(c.FrontEnd.IIOP); err != nil {
		return fmt.Errorf("frontend.iiop: %q: %v", c.FrontEnd.IIOP, err)
	}
	if err := claim("sequencer", c.Sequencer.ID, c.Sequencer.Addr); err != nil {
		return err
	}
	for i, r := range c.RMs {
		what := fmt.Sprintf("rms[%d]", i)
		if err := claim(what, r.ID, r.Addr); err != nil {
			return err
		}
		if r.Service != DEMS && r.Service != JustHungry {
			return fmt.Errorf("%s.service: %q (want %q or %q)", what, r.Service, DEMS, JustHungry)
		}
	}
	if n := len(c.Group(DEMS)); n > 0 && n < 2*c.F+1 {
		return fmt.Errorf("rms: %d dems replicas cannot outvote f=%d faulty ones (need %d)", n, c.F, 2*c.F+1)
	}
	if n := len(c.Group(JustHungry)); n > 0 && n < 3 {
		return fmt.Errorf("rms: %d justhungry replicas, need at least 3", n)
	}
	if c.Multicast != "" {
		g, err := netip.ParseAddrPort(c.Multicast)
		if err != nil || !g.Addr().Is4() || !g.Addr().IsMulticast() || g.Port() == 0 {
			return fmt.Errorf("multicast: %q is not an IPv4 multicast group with a port (e.g. 239.1.2.3:7200)", c.Multicast)
		}
	}
	t := c.Timeouts
	for _, d := range []struct {
		name string
		v    Duration
	}{{"retransmit", t.Retransmit}, {"crash_floor", t.CrashFloor}, {"crash_ceil", t.CrashCeil},
		{"rm_silence", t.RMSilence}, {"heartbeat", t.Heartbeat}, {"state_fetch", t.StateFetch}, {"primary_wait", t.PrimaryWait}} {
		if d.v <= 0 {
			return fmt.Errorf("timeouts.%s: must be > 0", d.name)
		}
	}
	if t.CrashCeil < t.CrashFloor {
		return errors.New("timeouts.crash_ceil: below crash_floor")
	}
	return nil
}

// Group is the RMs that run service, in config order (for Just Hungry this
// is the takeover order: the first is the initial primary).
func (c *Config) Group(service string) []RM {
	var g []RM
	for _, r := range c.RMs {
		if r.Service == service {
			g = append(g, r)
		}
	}
	return g
}

// FindRM returns the RM with the given id.
func (c *Config) FindRM(id uint32) (RM, bool) {
	for _, r := range c.RMs {
		if r.ID == id {
			return r, true
		}
	}
	return RM{}, false
}

// Save writes the config as indented JSON.
func (c *Config) Save(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}
