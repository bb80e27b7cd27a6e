package frontend

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/internal/wire"
	"concord/replicas"
)

// fakeCluster is a sequencer and replica managers on loopback UDP sockets,
// just enough protocol to exercise the FE shell: the sequencer numbers each
// request once, acknowledges every copy and hands it to the replicas, which
// answer the FE directly as their behaviour says.
type fakeCluster struct {
	t        *testing.T
	key      *wire.Key
	seq      *net.UDPConn
	rms      map[uint32]*net.UDPConn
	mu       sync.Mutex
	behave   map[uint32]string // "ok", "wrong", "silent"
	drop     int               // requests the sequencer ignores before the next one
	numbered map[uint64]uint64
	next     uint64
	faults   []wire.FaultReport
	wg       sync.WaitGroup
}

// slowDelay is how late a "slow" replica answers.
const slowDelay = 60 * time.Millisecond

func listenUDP(t *testing.T) *net.UDPConn {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	require.NoError(t, err)
	return c
}

func addrOf(c *net.UDPConn) netip.AddrPort { return c.LocalAddr().(*net.UDPAddr).AddrPort() }

func newFakeCluster(t *testing.T, key *wire.Key, n int) *fakeCluster {
	f := &fakeCluster{t: t, key: key, seq: listenUDP(t), rms: map[uint32]*net.UDPConn{},
		behave: map[uint32]string{}, numbered: map[uint64]uint64{}, next: 1}
	for i := 1; i <= n; i++ {
		f.rms[uint32(i)] = listenUDP(t)
		f.behave[uint32(i)] = "ok"
	}
	f.wg.Add(1 + n)
	go f.sequencer()
	for id, c := range f.rms {
		go f.rm(id, c)
	}
	t.Cleanup(func() {
		f.seq.Close()
		for _, c := range f.rms {
			c.Close()
		}
		f.wg.Wait()
	})
	return f
}

func (f *fakeCluster) set(replica uint32, behaviour string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.behave[replica] = behaviour
}

func (f *fakeCluster) rmAddrs() map[uint32]netip.AddrPort {
	m := map[uint32]netip.AddrPort{}
	for id, c := range f.rms {
		m[id] = addrOf(c)
	}
	return m
}

func (f *fakeCluster) faultList() []wire.FaultReport {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wire.FaultReport(nil), f.faults...)
}

func (f *fakeCluster) sequencer() {
	defer f.wg.Done()
	buf := make([]byte, wire.MaxDatagram)
	for {
		n, from, err := f.seq.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		p, err := wire.Open(f.key, buf[:n])
		if err != nil {
			continue
		}
		q, ok := p.Msg.(*wire.Request)
		if !ok {
			continue
		}
		f.mu.Lock()
		if f.drop > 0 {
			f.drop--
			f.mu.Unlock()
			continue
		}
		seq, seen := f.numbered[q.ID]
		if !seen {
			seq = f.next
			f.numbered[q.ID] = seq
			f.next++
		}
		behave := make(map[uint32]string, len(f.behave))
		for k, v := range f.behave {
			behave[k] = v
		}
		f.mu.Unlock()
		f.sendFrom(f.seq, from, 1000, &wire.RequestAck{FE: q.FE, Acks: []wire.AckEntry{{ID: q.ID, Seq: seq}}})
		if seen {
			continue
		}
		for id, c := range f.rms {
			if behave[id] == "silent" {
				continue
			}
			status, body := execute(q)
			if behave[id] == "wrong" {
				body = append(body, byte(id)) // each liar lies differently
			}
			rep := &wire.Reply{Seq: seq, ID: q.ID, Replica: id, Status: status, Body: body}
			if behave[id] == "slow" {
				c, to, id := c, q.ReplyTo, id
				time.AfterFunc(slowDelay, func() { f.sendFrom(c, to, id, rep) })
				continue
			}
			f.sendFrom(c, q.ReplyTo, id, rep)
		}
	}
}

func (f *fakeCluster) rm(id uint32, c *net.UDPConn) {
	defer f.wg.Done()
	buf := make([]byte, wire.MaxDatagram)
	for {
		n, _, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		p, err := wire.Open(f.key, buf[:n])
		if err != nil {
			continue
		}
		if fr, ok := p.Msg.(*wire.FaultReport); ok && id == 1 { // record once, from RM 1
			f.mu.Lock()
			f.faults = append(f.faults, *fr)
			f.mu.Unlock()
		}
	}
}

func (f *fakeCluster) sendFrom(c *net.UDPConn, to netip.AddrPort, sender uint32, m wire.Msg) {
	b, err := wire.Seal(f.key, wire.Packet{Sender: sender, Msg: m})
	if err != nil {
		panic(err) // test bug; may run after the test on a timer
	}
	_, _ = c.WriteToUDPAddrPort(b, to)
}

// execute is the test service: "upper" returns its string argument in
// upper case, "fail" raises IDL:test/Oops:1.0 carrying the argument's
// length, "refuse" raises BAD_PARAM. It honours the byte order and offsets
// of the request, as real replicas must.
func execute(q *wire.Request) (uint32, []byte) {
	in := cdr.NewDecoderAt(q.Args, q.Enc.LittleEndian, int(q.Enc.ArgsOffset))
	s := in.ReadString()
	out := cdr.NewEncoderAt(q.Enc.LittleEndian, int(q.Enc.ReplyOffset))
	switch q.Operation {
	case "upper":
		out.WriteString(strings.ToUpper(s))
		return uint32(replicas.NoException), out.Bytes()
	case "fail":
		out.WriteString("IDL:test/Oops:1.0")
		out.WriteLongLong(int64(len(s))) // 8-aligned: checks the offsets
		return uint32(replicas.UserException), out.Bytes()
	default:
		orb.NewSystemException(orb.BAD_PARAM, 7, orb.CompletedNo, "").Marshal(out)
		return uint32(replicas.SystemException), out.Bytes()
	}
}
