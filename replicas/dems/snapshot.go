package dems

import (
	"bytes"
	"fmt"

	"concord/replicas/internal/cdrio"
	"concord/replicas/internal/snap"
)

// Snapshot layout, version 1 (all integers big-endian, see package snap):
//
//	"DEMS" version:u8 count:u32 { eventId:str kind:u8 capacity:i32 n:u32 { customerId:str }*n }*count
//
// Events are in (city, date, slot, kind) order and each event's customers in
// ascending id order, so equal states always give equal bytes. The per-
// customer index is derived from the events on restore.
const (
	snapMagic   = "DEMS"
	snapVersion = 1
)

// Snapshot encodes the whole state canonically.
func (s *State) Snapshot() []byte {
	evs := make([]*event, 0, len(s.events))
	for _, ev := range s.events {
		evs = append(evs, ev)
	}
	sortEvents(evs)
	w := snap.Writer{B: make([]byte, 0, 64+len(evs)*32)}
	w.B = append(w.B, snapMagic...)
	w.U8(snapVersion)
	w.U32(uint32(len(evs)))
	for _, ev := range evs {
		w.Str(ev.eid.id)
		w.U8(uint8(ev.typ))
		w.I32(ev.capacity)
		cs := sortedCustomers(ev.booked)
		w.U32(uint32(len(cs)))
		for _, c := range cs {
			w.Str(c)
		}
	}
	return w.B
}

// Restore replaces the state with a snapshot's. It checks every rule the
// operations maintain, and leaves the state untouched when the snapshot is
// bad, so a corrupt transfer can never install a state no request could
// have produced.
func (s *State) Restore(b []byte) error {
	if len(b) < len(snapMagic)+1 || !bytes.Equal(b[:len(snapMagic)], []byte(snapMagic)) {
		return fmt.Errorf("dems snapshot: missing %q header", snapMagic)
	}
	if v := b[len(snapMagic)]; v != snapVersion {
		return fmt.Errorf("dems snapshot: version %d, this replica reads version %d", v, snapVersion)
	}
	r := snap.NewReader(b[len(snapMagic)+1:])
	fresh := NewState()
	var prev *event
	n := r.Count(2 + 1 + 4 + 4)
	for i := 0; i < n && r.Err() == nil; i++ {
		ev, err := readEvent(r)
		if err != nil {
			r.Fail(err)
			break
		}
		if prev != nil && !prev.less(ev) {
			r.Failf("event %s %s out of canonical order", ev.eid.id, ev.typ)
			break
		}
		prev = ev
		fresh.events[ev.key()] = ev
		for c := range ev.booked {
			fresh.book(c, ev)
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return fmt.Errorf("dems snapshot: %w", err)
	}
	*s = *fresh
	return nil
}

func readEvent(r *snap.Reader) (*event, error) {
	id := r.Str()
	kind := EventKind(r.U8())
	capacity := r.I32()
	if err := r.Err(); err != nil {
		return nil, err
	}
	eid, perr := parseEvent(id)
	if perr != nil {
		return nil, perr
	}
	if !validKind(kind) {
		return nil, fmt.Errorf("event %s: bad kind %d", id, kind)
	}
	if capacity <= 0 {
		return nil, fmt.Errorf("event %s: capacity %d", id, capacity)
	}
	ev := &event{eid: eid, typ: kind, capacity: capacity, booked: map[string]struct{}{}}
	n := r.Count(2)
	if n > int(capacity) {
		return nil, fmt.Errorf("event %s: %d bookings exceed capacity %d", id, n, capacity)
	}
	last := ""
	for i := 0; i < n && r.Err() == nil; i++ {
		c := r.Str()
		if _, err := customer(c); err != nil && r.Err() == nil {
			return nil, fmt.Errorf("event %s: %v", id, err)
		}
		if i > 0 && c <= last {
			return nil, fmt.Errorf("event %s: customers not in ascending order at %q", id, c)
		}
		last = c
		ev.booked[c] = struct{}{}
	}
	return ev, r.Err()
}

// Digest is the SHA-256 of the canonical snapshot.
func (s *State) Digest() [32]byte { return cdrio.Digest(s.Snapshot()) }
