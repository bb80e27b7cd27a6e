package dems

// Cities in their display and sort order (alphabetical, as SPEC lists them).
var cities = [...]string{"MTL", "QUE", "SHE"}

// Slots in a day, in time order: morning, afternoon, evening.
const slots = "MAE"

func cityIndex(s string) int {
	for i, c := range cities {
		if c == s {
			return i
		}
	}
	return -1
}

// user is a parsed user id: city code, C or M, four digits (MTLC1234).
type user struct {
	id      string
	city    int
	manager bool
}

func parseUser(id string) (user, *EventError) {
	bad := func(why string) (user, *EventError) {
		return user{}, errorf(InvalidId, "user id %q: %s (want city MTL/QUE/SHE, C or M, 4 digits, e.g. MTLC1234)", id, why)
	}
	if len(id) != 8 {
		return bad("wrong length")
	}
	city := cityIndex(id[:3])
	if city < 0 {
		return bad("unknown city")
	}
	if id[3] != 'C' && id[3] != 'M' {
		return bad("role must be C or M")
	}
	if !allDigits(id[4:]) {
		return bad("number must be 4 digits")
	}
	return user{id: id, city: city, manager: id[3] == 'M'}, nil
}

// eventID is a parsed event id: city, slot, date DDMMYY (MTLA100526).
type eventID struct {
	id         string
	city       int
	slot       int // index in slots
	day, month int
	year       int // full year, 2000-2099
}

func parseEvent(id string) (eventID, *EventError) {
	bad := func(why string) (eventID, *EventError) {
		return eventID{}, errorf(InvalidId, "event id %q: %s (want city MTL/QUE/SHE, slot M/A/E, date DDMMYY, e.g. MTLA100526)", id, why)
	}
	if len(id) != 10 {
		return bad("wrong length")
	}
	city := cityIndex(id[:3])
	if city < 0 {
		return bad("unknown city")
	}
	slot := -1
	for i := 0; i < len(slots); i++ {
		if slots[i] == id[3] {
			slot = i
		}
	}
	if slot < 0 {
		return bad("slot must be M, A or E")
	}
	if !allDigits(id[4:]) {
		return bad("date must be 6 digits")
	}
	d, m, y := num2(id[4:6]), num2(id[6:8]), 2000+num2(id[8:10])
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return bad("no such date")
	}
	return eventID{id: id, city: city, slot: slot, day: d, month: m, year: y}, nil
}

// order sorts events by city, then date, then slot.
func (e eventID) order() int {
	return (((e.city*100+e.year-2000)*13+e.month)*32+e.day)*3 + e.slot
}

// monthKey identifies the calendar month of the event date (for the
// other-city limit).
func (e eventID) monthKey() int { return e.year*12 + e.month - 1 }

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func num2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
