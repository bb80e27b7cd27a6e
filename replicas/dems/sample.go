package dems

import (
	"fmt"
	"time"
)

// Sample data: every city has an event in every slot of every day for three
// weeks from Monday 1 June 2026. Kinds and capacities follow a fixed
// pattern, so each replica loads exactly the same events (no clock, no
// randomness) and each kind has a later event to rebook customers onto.
var (
	sampleStart = time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	sampleDays  = 21
)

// NewSampleState returns the state every replica starts from.
func NewSampleState() *State {
	s := NewState()
	for city := range cities {
		for day := 0; day < sampleDays; day++ {
			date := sampleStart.AddDate(0, 0, day)
			for slot := 0; slot < len(slots); slot++ {
				id := fmt.Sprintf("%s%c%02d%02d%02d", cities[city], slots[slot],
					date.Day(), int(date.Month()), date.Year()%100)
				eid, err := parseEvent(id)
				if err != nil {
					panic(err) // the pattern above only makes valid ids
				}
				kind := EventKind((day + slot + city) % eventKindCount)
				capacity := int32(5 + (day*3+slot+city*2)%4*5) // 5, 10, 15 or 20
				ev := &event{eid: eid, typ: kind, capacity: capacity, booked: map[string]struct{}{}}
				s.events[ev.key()] = ev
			}
		}
	}
	return s
}
