package dems

// The "wrong results" fault: each result is changed in one visible,
// deterministic way that still encodes as valid CDR, so a voter sees a
// well-formed but different answer (a software failure, not line noise).

func corruptError(e *EventError) *EventError {
	return &EventError{Reason: (e.Reason + 1) % reasonCodeCount, Message: e.Message}
}

func corruptKind(k EventKind) EventKind { return (k + 1) % eventKindCount }

func corrupt(m any) any {
	switch v := m.(type) {
	case AddOutcome:
		v.Slot.Remaining++
		return v
	case RemovalOutcome:
		v.Dropped = append(append(CustomerIdList{}, v.Dropped...), "MTLC9999")
		return v
	case EventSlotList:
		out := append(EventSlotList{}, v...)
		if len(out) == 0 {
			return append(out, EventSlot{EventId: "MTLM010126", Capacity: 1, Remaining: 1})
		}
		out[0].Remaining++
		return out
	case Booking:
		v.Type = corruptKind(v.Type)
		return v
	case BookingList:
		return append(append(BookingList{}, v...), Booking{CustomerId: "MTLC9999", EventId: "MTLM010126"})
	case SwapOutcome:
		v.Booked.Type = corruptKind(v.Booked.Type)
		return v
	}
	panic("dems: no corruption defined for a result type") // a new op must add one
}
