package dems

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/replicas/internal/snap"
)

func bookedSample(t *testing.T) *State {
	s := NewSampleState()
	mustBook(t, s, "MTLC0002", "MTLA100626", Seminars)
	mustBook(t, s, "MTLC0001", "MTLA100626", Seminars)
	mustBook(t, s, "QUEC0001", "MTLM010626", Conferences)
	return s
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := bookedSample(t)
	b := s.Snapshot()
	r := NewState()
	require.NoError(t, r.Restore(b))
	assert.Equal(t, b, r.Snapshot())
	assert.Equal(t, s.Digest(), r.Digest())
	assert.Equal(t, sha256.Sum256(b), r.Digest())
	// The restored state behaves the same: its derived index is rebuilt.
	got, err := r.GetBookingSchedule("MTLC0001")
	require.NoError(t, err)
	assert.Equal(t, BookingList{{CustomerId: "MTLC0001", EventId: "MTLA100626", Type: Seminars}}, got)
	_, err = r.BookEvent("MTLC0001", "MTLA100626", Seminars)
	assert.ErrorContains(t, err, "AlreadyBooked")
	assert.NotEqual(t, NewSampleState().Digest(), s.Digest(), "bookings are part of the state")
}

// event writes one event record for hand-made snapshots.
func snapshotOf(events ...func(w *snap.Writer)) []byte {
	w := snap.Writer{B: []byte(snapMagic)}
	w.U8(snapVersion)
	w.U32(uint32(len(events)))
	for _, e := range events {
		e(&w)
	}
	return w.B
}

func ev(id string, kind uint8, capacity int32, customers ...string) func(w *snap.Writer) {
	return func(w *snap.Writer) {
		w.Str(id)
		w.U8(kind)
		w.I32(capacity)
		w.U32(uint32(len(customers)))
		for _, c := range customers {
			w.Str(c)
		}
	}
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	good := snapshotOf(ev("MTLA100626", 0, 2, "MTLC0001", "QUEC0001"), ev("MTLE100626", 0, 2))
	require.NoError(t, NewState().Restore(good), "the reference snapshot must be valid")
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"wrong magic", append([]byte("SMED"), good[4:]...)},
		{"future version", append(append([]byte(snapMagic), snapVersion+1), good[5:]...)},
		{"trailing byte", append(append([]byte{}, good...), 0)},
		{"events out of order", snapshotOf(ev("MTLE100626", 0, 2), ev("MTLA100626", 0, 2))},
		{"duplicate event", snapshotOf(ev("MTLA100626", 0, 2), ev("MTLA100626", 0, 2))},
		{"bad event id", snapshotOf(ev("MTLA310626", 0, 2))},
		{"bad kind", snapshotOf(ev("MTLA100626", 3, 2))},
		{"zero capacity", snapshotOf(ev("MTLA100626", 0, 0))},
		{"over capacity", snapshotOf(ev("MTLA100626", 0, 1, "MTLC0001", "MTLC0002"))},
		{"manager booked", snapshotOf(ev("MTLA100626", 0, 2, "MTLM0001"))},
		{"customers out of order", snapshotOf(ev("MTLA100626", 0, 2, "QUEC0001", "MTLC0001"))},
		{"customer twice", snapshotOf(ev("MTLA100626", 0, 2, "MTLC0001", "MTLC0001"))},
		{"huge count", append(append([]byte(snapMagic), snapVersion), 0xff, 0xff, 0xff, 0xff)},
	}
	for i := 1; i < len(good); i++ {
		tests = append(tests, struct {
			name string
			b    []byte
		}{"truncated", good[:i]})
	}
	for _, tc := range tests {
		s := bookedSample(t)
		before := s.Snapshot()
		require.Error(t, s.Restore(tc.b), tc.name)
		require.Equal(t, before, s.Snapshot(), "a refused snapshot must leave the state alone: %s", tc.name)
	}
}

func TestSampleData(t *testing.T) {
	a, b := NewSampleState(), NewSampleState()
	assert.Equal(t, a.Snapshot(), b.Snapshot(), "every replica starts from the same state")
	for _, k := range []EventKind{Conferences, Seminars, TradeShows} {
		list, err := a.ListEventAvailability("MTLM0001", k)
		require.NoError(t, err)
		perCity := map[string]int{}
		for _, slot := range list {
			perCity[slot.EventId[:3]]++
			assert.Positive(t, slot.Capacity)
			assert.Equal(t, slot.Capacity, slot.Remaining)
		}
		for _, c := range cities {
			assert.Equal(t, sampleDays, perCity[c], "%s %s: one event of each kind per day", c, k)
		}
	}
}
