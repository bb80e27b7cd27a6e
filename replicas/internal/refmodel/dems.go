// Package refmodel holds deliberately simple reference implementations of
// the services' rules (SPEC sections 3 and 4), written separately from the
// real ones and used only by tests: slices and linear scans, no indexes, no
// shared helpers. The property tests run random requests through both and
// compare every answer.
package refmodel

import (
	"sort"
	"time"
)

// Event is one DEMS event as the model sees it.
type Event struct {
	ID     string
	Kind   int
	Cap    int
	Booked []string
}

// Slot is an availability row; Booking one booking.
type Slot struct {
	ID             string
	Kind, Cap, Rem int
}

type Booking struct {
	Customer, ID string
	Kind         int
}

type Move struct{ Customer, To string }

// Removal is removeEvent's result.
type Removal struct {
	ID      string
	Kind    int
	Moved   []Move
	Dropped []string
}

// DEMS is the reference model of the event management rules. Results are
// (value, reason) where reason is "" or the ReasonCode's IDL name.
type DEMS struct{ Events []*Event }

var cityNames = []string{"MTL", "QUE", "SHE"}

func cityOf(s string) int {
	for i, c := range cityNames {
		if len(s) >= 3 && s[:3] == c {
			return i
		}
	}
	return -1
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// userOK: city, C or M, four digits.
func userOK(id string) bool {
	return len(id) == 8 && cityOf(id) >= 0 && (id[3] == 'C' || id[3] == 'M') && digits(id[4:])
}

// eventDate returns the event's date, or false if the id is malformed.
func eventDate(id string) (time.Time, bool) {
	if len(id) != 10 || cityOf(id) < 0 || (id[3] != 'M' && id[3] != 'A' && id[3] != 'E') || !digits(id[4:]) {
		return time.Time{}, false
	}
	n := func(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
	d, m, y := n(id[4:6]), n(id[6:8]), 2000+n(id[8:10])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d && int(t.Month()) == m && t.Year() == y // time.Date normalises 31/04 to 01/05
}

// sortKey orders events by city, date, slot, then kind.
func sortKey(id string, kind int) string {
	t, _ := eventDate(id)
	return id[:3] + t.Format("20060102") + string(rune('0'+indexOf("MAE", id[3]))) + string(rune('0'+kind))
}

func indexOf(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// later reports whether a is after b (same city assumed).
func later(a, b string) bool {
	ta, _ := eventDate(a)
	tb, _ := eventDate(b)
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return indexOf("MAE", a[3]) > indexOf("MAE", b[3])
}

func (m *DEMS) find(id string, kind int) *Event {
	for _, e := range m.Events {
		if e.ID == id && e.Kind == kind {
			return e
		}
	}
	return nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// otherCity counts the customer's bookings outside the home city in the
// month of date, leaving out skip.
func (m *DEMS) otherCity(customer string, date time.Time, skip *Event) int {
	n := 0
	for _, e := range m.Events {
		t, _ := eventDate(e.ID)
		if e != skip && has(e.Booked, customer) && e.ID[:3] != customer[:3] && t.Year() == date.Year() && t.Month() == date.Month() {
			n++
		}
	}
	return n
}

func (m *DEMS) mayBook(customer string, e *Event, skip *Event) bool {
	t, _ := eventDate(e.ID)
	return e.ID[:3] == customer[:3] || m.otherCity(customer, t, skip) < 3
}

// managerCheck applies the checks of addEvent/removeEvent in order.
func managerCheck(mgr, id string, kind int) string {
	switch {
	case !userOK(mgr):
		return "InvalidId"
	case mgr[3] != 'M':
		return "NotAuthorised"
	}
	if _, ok := eventDate(id); !ok {
		return "InvalidId"
	}
	switch {
	case kind < 0 || kind > 2:
		return "InvalidEventType"
	case id[:3] != mgr[:3]:
		return "NotAuthorised"
	}
	return ""
}

func customerCheck(c string) string {
	switch {
	case !userOK(c):
		return "InvalidId"
	case c[3] != 'C':
		return "NotAuthorised"
	}
	return ""
}

func eventCheck(id string, kind int) string {
	if _, ok := eventDate(id); !ok {
		return "InvalidId"
	}
	if kind < 0 || kind > 2 {
		return "InvalidEventType"
	}
	return ""
}

func (m *DEMS) Add(mgr, id string, kind, capacity int) (Slot, bool, string) {
	if r := managerCheck(mgr, id, kind); r != "" {
		return Slot{}, false, r
	}
	if capacity <= 0 {
		return Slot{}, false, "InvalidCapacity"
	}
	if e := m.find(id, kind); e != nil {
		if capacity < len(e.Booked) {
			return Slot{}, false, "CapacityBelowBookings"
		}
		e.Cap = capacity
		return Slot{id, kind, capacity, capacity - len(e.Booked)}, false, ""
	}
	m.Events = append(m.Events, &Event{ID: id, Kind: kind, Cap: capacity})
	return Slot{id, kind, capacity, capacity}, true, ""
}

func (m *DEMS) Remove(mgr, id string, kind int) (Removal, string) {
	if r := managerCheck(mgr, id, kind); r != "" {
		return Removal{}, r
	}
	gone := m.find(id, kind)
	if gone == nil {
		return Removal{}, "NotFound"
	}
	var rest []*Event
	for _, e := range m.Events {
		if e != gone {
			rest = append(rest, e)
		}
	}
	m.Events = rest
	out := Removal{ID: id, Kind: kind}
	customers := append([]string(nil), gone.Booked...)
	sort.Strings(customers)
	for _, c := range customers {
		var best *Event
		for _, e := range m.Events {
			if e.Kind == kind && e.ID[:3] == id[:3] && later(e.ID, id) && len(e.Booked) < e.Cap &&
				!has(e.Booked, c) && m.mayBook(c, e, nil) && (best == nil || later(best.ID, e.ID)) {
				best = e
			}
		}
		if best == nil {
			out.Dropped = append(out.Dropped, c)
			continue
		}
		best.Booked = append(best.Booked, c)
		out.Moved = append(out.Moved, Move{c, best.ID})
	}
	return out, ""
}

func (m *DEMS) List(mgr string, kind int) ([]Slot, string) {
	switch {
	case !userOK(mgr):
		return nil, "InvalidId"
	case mgr[3] != 'M':
		return nil, "NotAuthorised"
	case kind < 0 || kind > 2:
		return nil, "InvalidEventType"
	}
	var out []Slot
	for _, e := range m.Events {
		if e.Kind == kind {
			out = append(out, Slot{e.ID, e.Kind, e.Cap, e.Cap - len(e.Booked)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return sortKey(out[i].ID, out[i].Kind) < sortKey(out[j].ID, out[j].Kind) })
	return out, ""
}

func (m *DEMS) Book(c, id string, kind int) (Booking, string) {
	if r := customerCheck(c); r != "" {
		return Booking{}, r
	}
	if r := eventCheck(id, kind); r != "" {
		return Booking{}, r
	}
	if r := m.bookable(c, id, kind, nil); r != "" {
		return Booking{}, r
	}
	e := m.find(id, kind)
	e.Booked = append(e.Booked, c)
	return Booking{c, id, kind}, ""
}

func (m *DEMS) bookable(c, id string, kind int, skip *Event) string {
	e := m.find(id, kind)
	switch {
	case e == nil:
		return "NotFound"
	case has(e.Booked, c):
		return "AlreadyBooked"
	case len(e.Booked) >= e.Cap:
		return "Full"
	case !m.mayBook(c, e, skip):
		return "OtherCityLimit"
	}
	return ""
}

func (m *DEMS) Schedule(c string) ([]Booking, string) {
	if r := customerCheck(c); r != "" {
		return nil, r
	}
	var out []Booking
	for _, e := range m.Events {
		if has(e.Booked, c) {
			out = append(out, Booking{c, e.ID, e.Kind})
		}
	}
	sort.Slice(out, func(i, j int) bool { return sortKey(out[i].ID, out[i].Kind) < sortKey(out[j].ID, out[j].Kind) })
	return out, ""
}

func (m *DEMS) held(c, id string, kind int) (*Event, string) {
	e := m.find(id, kind)
	switch {
	case e == nil:
		return nil, "NotFound"
	case !has(e.Booked, c):
		return nil, "NotBooked"
	}
	return e, ""
}

func (m *DEMS) Cancel(c, id string, kind int) (Booking, string) {
	if r := customerCheck(c); r != "" {
		return Booking{}, r
	}
	if r := eventCheck(id, kind); r != "" {
		return Booking{}, r
	}
	e, r := m.held(c, id, kind)
	if r != "" {
		return Booking{}, r
	}
	e.Booked = without(e.Booked, c)
	return Booking{c, id, kind}, ""
}

func (m *DEMS) Swap(c, newID string, newKind int, oldID string, oldKind int) (Booking, Booking, string) {
	if r := customerCheck(c); r != "" {
		return Booking{}, Booking{}, r
	}
	if r := eventCheck(newID, newKind); r != "" {
		return Booking{}, Booking{}, r
	}
	if r := eventCheck(oldID, oldKind); r != "" {
		return Booking{}, Booking{}, r
	}
	old, r := m.held(c, oldID, oldKind)
	if r != "" {
		return Booking{}, Booking{}, r
	}
	if r := m.bookable(c, newID, newKind, old); r != "" {
		return Booking{}, Booking{}, r
	}
	old.Booked = without(old.Booked, c)
	e := m.find(newID, newKind)
	e.Booked = append(e.Booked, c)
	return Booking{c, oldID, oldKind}, Booking{c, newID, newKind}, ""
}
