package dems

import "sort"

// OtherCityMonthlyLimit is how many bookings a customer may hold outside the
// home city in one calendar month (month of the event date).
const OtherCityMonthlyLimit = 3

// key identifies an event: the same id may exist once per event type.
type key struct {
	id  string
	typ EventKind
}

type event struct {
	eid      eventID
	typ      EventKind
	capacity int32
	booked   map[string]struct{} // customer ids
}

func (e *event) key() key         { return key{e.eid.id, e.typ} }
func (e *event) remaining() int32 { return e.capacity - int32(len(e.booked)) }
func (e *event) slot() EventSlot {
	return EventSlot{EventId: e.eid.id, Type: e.typ, Capacity: e.capacity, Remaining: e.remaining()}
}
func (e *event) less(o *event) bool { return lessEvent(e.eid, e.typ, o.eid, o.typ) }

func lessEvent(a eventID, at EventKind, b eventID, bt EventKind) bool {
	if a.order() != b.order() {
		return a.order() < b.order()
	}
	return at < bt
}

// State is one replica's DEMS state. It is not safe for concurrent use:
// the replica manager delivers requests one at a time in sequence order.
type State struct {
	events   map[key]*event
	bookings map[string]map[key]*event // customer id -> booked events
}

// NewState returns a state with no events.
func NewState() *State {
	return &State{events: map[key]*event{}, bookings: map[string]map[key]*event{}}
}

var _ EventManagement = (*State)(nil)

// manager checks a manager id and, when city >= 0, that it manages that city.
func manager(managerId string) (user, *EventError) {
	u, err := parseUser(managerId)
	if err != nil {
		return u, err
	}
	if !u.manager {
		return u, errorf(NotAuthorised, "%s is a customer; this operation needs a manager id", managerId)
	}
	return u, nil
}

func customer(customerId string) (user, *EventError) {
	u, err := parseUser(customerId)
	if err != nil {
		return u, err
	}
	if u.manager {
		return u, errorf(NotAuthorised, "%s is a manager id; customer operations take the customer's id", customerId)
	}
	return u, nil
}

func checkType(t EventKind) *EventError {
	if !validKind(t) {
		return errorf(InvalidEventType, "event type %d is not Conferences, Seminars or TradeShows", uint32(t))
	}
	return nil
}

// managedEvent validates the arguments common to addEvent and removeEvent.
func managedEvent(managerId, eventId string, typ EventKind) (eventID, *EventError) {
	m, err := manager(managerId)
	if err != nil {
		return eventID{}, err
	}
	eid, err := parseEvent(eventId)
	if err != nil {
		return eid, err
	}
	if err := checkType(typ); err != nil {
		return eid, err
	}
	if eid.city != m.city {
		return eid, errorf(NotAuthorised, "manager %s may only manage %s events, not %s", managerId, cities[m.city], eventId)
	}
	return eid, nil
}

// AddEvent creates an event or changes an existing event's capacity.
func (s *State) AddEvent(managerId, eventId string, typ EventKind, capacity int32) (AddOutcome, error) {
	eid, err := managedEvent(managerId, eventId, typ)
	if err != nil {
		return AddOutcome{}, err
	}
	if capacity <= 0 {
		return AddOutcome{}, errorf(InvalidCapacity, "capacity %d: must be at least 1", capacity)
	}
	if ev, ok := s.events[key{eventId, typ}]; ok {
		if n := int32(len(ev.booked)); capacity < n {
			return AddOutcome{}, errorf(CapacityBelowBookings, "%s %s has %d seats booked; capacity %d is too small", eventId, typ, n, capacity)
		}
		ev.capacity = capacity
		return AddOutcome{Slot: ev.slot()}, nil
	}
	ev := &event{eid: eid, typ: typ, capacity: capacity, booked: map[string]struct{}{}}
	s.events[ev.key()] = ev
	return AddOutcome{Slot: ev.slot(), Created: true}, nil
}

// RemoveEvent deletes an event and rebooks its customers (SPEC 3).
func (s *State) RemoveEvent(managerId, eventId string, typ EventKind) (RemovalOutcome, error) {
	if _, err := managedEvent(managerId, eventId, typ); err != nil {
		return RemovalOutcome{}, err
	}
	k := key{eventId, typ}
	ev, ok := s.events[k]
	if !ok {
		return RemovalOutcome{}, errorf(NotFound, "no %s event %s", typ, eventId)
	}
	delete(s.events, k)
	out := RemovalOutcome{EventId: eventId, Type: typ, Moved: MoveList{}, Dropped: CustomerIdList{}}
	for _, c := range sortedCustomers(ev.booked) {
		s.unbook(c, ev)
		u, _ := parseUser(c) // stored ids were validated on the way in
		if to := s.rebookTarget(u, ev); to != nil {
			s.book(c, to)
			out.Moved = append(out.Moved, Move{CustomerId: c, NewEventId: to.eid.id})
		} else {
			out.Dropped = append(out.Dropped, c)
		}
	}
	return out, nil
}

// rebookTarget is the first event after from (same type and city) with a
// free seat that u has not booked and that keeps u within the limit.
func (s *State) rebookTarget(u user, from *event) *event {
	var best *event
	for _, ev := range s.events {
		if ev.typ != from.typ || ev.eid.city != from.eid.city || ev.eid.order() <= from.eid.order() {
			continue
		}
		if ev.remaining() <= 0 || s.hasBooked(u.id, ev.key()) || !s.withinLimit(u, ev.eid, key{}) {
			continue
		}
		if best == nil || ev.less(best) {
			best = ev
		}
	}
	return best
}

// ListEventAvailability lists every event of a type, all cities.
func (s *State) ListEventAvailability(managerId string, typ EventKind) (EventSlotList, error) {
	if _, err := manager(managerId); err != nil {
		return nil, err
	}
	if err := checkType(typ); err != nil {
		return nil, err
	}
	evs := make([]*event, 0, len(s.events))
	for _, ev := range s.events {
		if ev.typ == typ {
			evs = append(evs, ev)
		}
	}
	sortEvents(evs)
	out := make(EventSlotList, len(evs))
	for i, ev := range evs {
		out[i] = ev.slot()
	}
	return out, nil
}

// customerEvent validates a customer id, an event id and a type.
func customerEvent(customerId, eventId string, typ EventKind) (user, eventID, *EventError) {
	u, err := customer(customerId)
	if err != nil {
		return u, eventID{}, err
	}
	eid, err := parseEvent(eventId)
	if err != nil {
		return u, eid, err
	}
	return u, eid, checkType(typ)
}

// BookEvent books one seat for the customer.
func (s *State) BookEvent(customerId, eventId string, typ EventKind) (Booking, error) {
	u, _, err := customerEvent(customerId, eventId, typ)
	if err != nil {
		return Booking{}, err
	}
	ev, verr := s.checkBookable(u, key{eventId, typ}, key{})
	if verr != nil {
		return Booking{}, verr
	}
	s.book(u.id, ev)
	return Booking{CustomerId: u.id, EventId: eventId, Type: typ}, nil
}

// checkBookable applies the booking rules; the limit ignores the booking
// `ignore` (the old event of a swap).
func (s *State) checkBookable(u user, k, ignore key) (*event, *EventError) {
	ev, ok := s.events[k]
	if !ok {
		return nil, errorf(NotFound, "no %s event %s", k.typ, k.id)
	}
	if s.hasBooked(u.id, k) {
		return nil, errorf(AlreadyBooked, "%s already booked %s %s", u.id, k.typ, k.id)
	}
	if ev.remaining() <= 0 {
		return nil, errorf(Full, "%s %s is full (%d seats)", k.typ, k.id, ev.capacity)
	}
	if !s.withinLimit(u, ev.eid, ignore) {
		return nil, errorf(OtherCityLimit, "%s already has %d bookings outside %s in %02d/%d",
			u.id, OtherCityMonthlyLimit, cities[u.city], ev.eid.month, ev.eid.year)
	}
	return ev, nil
}

// withinLimit reports whether u may book one more event at target.
func (s *State) withinLimit(u user, target eventID, ignore key) bool {
	if target.city == u.city {
		return true
	}
	n := 0
	for k, ev := range s.bookings[u.id] {
		if k != ignore && ev.eid.city != u.city && ev.eid.monthKey() == target.monthKey() {
			n++
		}
	}
	return n < OtherCityMonthlyLimit
}

// GetBookingSchedule lists the customer's bookings, all cities.
func (s *State) GetBookingSchedule(customerId string) (BookingList, error) {
	u, err := customer(customerId)
	if err != nil {
		return nil, err
	}
	evs := make([]*event, 0, len(s.bookings[u.id]))
	for _, ev := range s.bookings[u.id] {
		evs = append(evs, ev)
	}
	sortEvents(evs)
	out := make(BookingList, len(evs))
	for i, ev := range evs {
		out[i] = Booking{CustomerId: u.id, EventId: ev.eid.id, Type: ev.typ}
	}
	return out, nil
}

// CancelEvent cancels a booking the customer holds.
func (s *State) CancelEvent(customerId, eventId string, typ EventKind) (Booking, error) {
	u, _, err := customerEvent(customerId, eventId, typ)
	if err != nil {
		return Booking{}, err
	}
	ev, verr := s.heldBooking(u, key{eventId, typ})
	if verr != nil {
		return Booking{}, verr
	}
	s.unbook(u.id, ev)
	return Booking{CustomerId: u.id, EventId: eventId, Type: typ}, nil
}

func (s *State) heldBooking(u user, k key) (*event, *EventError) {
	ev, ok := s.events[k]
	if !ok {
		return nil, errorf(NotFound, "no %s event %s", k.typ, k.id)
	}
	if !s.hasBooked(u.id, k) {
		return nil, errorf(NotBooked, "%s has not booked %s %s", u.id, k.typ, k.id)
	}
	return ev, nil
}

// SwapEvent replaces the old booking with the new one, or changes nothing.
// Every check runs before the first change, which is what makes it atomic.
func (s *State) SwapEvent(customerId, newEventId string, newType EventKind, oldEventId string, oldType EventKind) (SwapOutcome, error) {
	u, _, err := customerEvent(customerId, newEventId, newType)
	if err != nil {
		return SwapOutcome{}, err
	}
	if _, err := parseEvent(oldEventId); err != nil {
		return SwapOutcome{}, err
	}
	if err := checkType(oldType); err != nil {
		return SwapOutcome{}, err
	}
	oldKey := key{oldEventId, oldType}
	oldEv, verr := s.heldBooking(u, oldKey)
	if verr != nil {
		return SwapOutcome{}, verr
	}
	newEv, verr := s.checkBookable(u, key{newEventId, newType}, oldKey)
	if verr != nil {
		return SwapOutcome{}, verr
	}
	s.unbook(u.id, oldEv)
	s.book(u.id, newEv)
	return SwapOutcome{
		Cancelled: Booking{CustomerId: u.id, EventId: oldEventId, Type: oldType},
		Booked:    Booking{CustomerId: u.id, EventId: newEventId, Type: newType},
	}, nil
}

func (s *State) hasBooked(customerId string, k key) bool {
	_, ok := s.bookings[customerId][k]
	return ok
}

func (s *State) book(customerId string, ev *event) {
	ev.booked[customerId] = struct{}{}
	m := s.bookings[customerId]
	if m == nil {
		m = map[key]*event{}
		s.bookings[customerId] = m
	}
	m[ev.key()] = ev
}

func (s *State) unbook(customerId string, ev *event) {
	delete(ev.booked, customerId)
	m := s.bookings[customerId]
	delete(m, ev.key())
	if len(m) == 0 {
		delete(s.bookings, customerId) // keeps the state canonical
	}
}

func sortEvents(evs []*event) {
	sort.Slice(evs, func(i, j int) bool { return evs[i].less(evs[j]) })
}

func sortedCustomers(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
