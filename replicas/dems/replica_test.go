package dems

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/replicas"
)

// encodings covers both byte orders and every alignment offset a GIOP
// header can leave (the body of 1.0/1.1 replies often starts unaligned).
var encodings = []replicas.Encoding{
	{LittleEndian: true, ArgsOffset: 0, ReplyOffset: 0, GIOPMinor: 2},
	{LittleEndian: false, ArgsOffset: 4, ReplyOffset: 4, GIOPMinor: 2},
	{LittleEndian: true, ArgsOffset: 5, ReplyOffset: 3, GIOPMinor: 0},
	{LittleEndian: false, ArgsOffset: 7, ReplyOffset: 1, GIOPMinor: 1},
}

func TestExecuteDecodesRepliesForKnownRequests(t *testing.T) {
	type step struct {
		name, op string
		args     []any
		want     any
		reason   *ReasonCode
	}
	steps := []step{
		{"add", "addEvent", []any{"MTLM0001", "MTLA100626", Conferences, int32(2)},
			AddOutcome{Slot: EventSlot{EventId: "MTLA100626", Type: Conferences, Capacity: 2, Remaining: 2}, Created: true}, nil},
		{"add later", "addEvent", []any{"MTLM0001", "MTLE100626", Conferences, int32(2)},
			AddOutcome{Slot: EventSlot{EventId: "MTLE100626", Type: Conferences, Capacity: 2, Remaining: 2}, Created: true}, nil},
		{"book", "bookEvent", []any{"QUEC0001", "MTLA100626", Conferences}, Booking{CustomerId: "QUEC0001", EventId: "MTLA100626", Type: Conferences}, nil},
		{"book twice", "bookEvent", []any{"QUEC0001", "MTLA100626", Conferences}, nil, refused(AlreadyBooked)},
		{"list", "listEventAvailability", []any{"SHEM0001", Conferences},
			EventSlotList{{EventId: "MTLA100626", Type: Conferences, Capacity: 2, Remaining: 1}, {EventId: "MTLE100626", Type: Conferences, Capacity: 2, Remaining: 2}}, nil},
		{"schedule", "getBookingSchedule", []any{"QUEC0001"}, BookingList{{CustomerId: "QUEC0001", EventId: "MTLA100626", Type: Conferences}}, nil},
		{"swap", "swapEvent", []any{"QUEC0001", "MTLE100626", Conferences, "MTLA100626", Conferences},
			SwapOutcome{Cancelled: Booking{CustomerId: "QUEC0001", EventId: "MTLA100626", Type: Conferences}, Booked: Booking{CustomerId: "QUEC0001", EventId: "MTLE100626", Type: Conferences}}, nil},
		{"cancel", "cancelEvent", []any{"QUEC0001", "MTLE100626", Conferences}, Booking{CustomerId: "QUEC0001", EventId: "MTLE100626", Type: Conferences}, nil},
		{"rebook", "bookEvent", []any{"SHEC0002", "MTLA100626", Conferences}, Booking{CustomerId: "SHEC0002", EventId: "MTLA100626", Type: Conferences}, nil},
		{"remove", "removeEvent", []any{"MTLM0002", "MTLA100626", Conferences},
			RemovalOutcome{EventId: "MTLA100626", Type: Conferences, Moved: MoveList{{CustomerId: "SHEC0002", NewEventId: "MTLE100626"}}, Dropped: CustomerIdList{}}, nil},
	}
	for _, enc := range encodings {
		r := NewReplica(NewState())
		for _, st := range steps {
			rep := r.Execute(request(enc, st.op, st.args...))
			got, err := decodeReply(enc, st.op, rep)
			if st.reason != nil {
				var ee *EventError
				require.ErrorAs(t, err, &ee, "%s %+v", st.name, enc)
				assert.Equal(t, *st.reason, ee.Reason, "%s %+v", st.name, enc)
				assert.Equal(t, replicas.UserException, rep.Status)
				continue
			}
			require.NoError(t, err, "%s %+v", st.name, enc)
			assert.Equal(t, st.want, got, "%s %+v", st.name, enc)
			assert.Equal(t, replicas.NoException, rep.Status)
			assert.Empty(t, rep.Inputs, "DEMS has no non-deterministic inputs")
		}
	}
}

func TestExecuteBadRequests(t *testing.T) {
	enc := encodings[2]
	good := request(enc, "bookEvent", "MTLC0001", "MTLA100626", Seminars) // in the sample data
	tests := []struct {
		name    string
		req     replicas.Request
		wantExc string
	}{
		{"unknown operation", replicas.Request{Operation: "bookEvents", Args: good.Args, Enc: enc}, "IDL:omg.org/CORBA/BAD_OPERATION:1.0"},
		{"no arguments", replicas.Request{Operation: "bookEvent", Enc: enc}, "IDL:omg.org/CORBA/MARSHAL:1.0"},
		{"truncated arguments", replicas.Request{Operation: "bookEvent", Args: good.Args[:len(good.Args)-2], Enc: enc}, "IDL:omg.org/CORBA/MARSHAL:1.0"},
		// CORBA: an enum value outside the IDL enum does not unmarshal,
		// so the skeleton refuses it before the rules see it.
		{"event type outside the enum", request(enc, "bookEvent", "MTLC0001", "MTLA100626", EventKind(3)), "IDL:omg.org/CORBA/MARSHAL:1.0"},
		{"huge string length", replicas.Request{Operation: "getBookingSchedule", Args: []byte{0xff, 0xff, 0xff, 0x7f, 'x'}, Enc: enc}, "IDL:omg.org/CORBA/MARSHAL:1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReplica(NewSampleState())
			before := r.Snapshot()
			rep := r.Execute(tc.req)
			require.Equal(t, replicas.SystemException, rep.Status)
			d := replyDecoder(enc, rep.Body)
			assert.Equal(t, tc.wantExc, d.ReadString())
			assert.Equal(t, uint32(0), d.ReadULong(), "minor")
			assert.Equal(t, uint32(1), d.ReadULong(), "COMPLETED_NO")
			assert.Equal(t, before, r.Snapshot())
			// The replica keeps serving.
			_, err := decodeReply(enc, "bookEvent", r.Execute(good))
			require.NoError(t, err)
		})
	}
}

func TestExecuteWrongIsWellFormedAndDifferent(t *testing.T) {
	enc := encodings[1]
	reqs := []struct {
		op   string
		args []any
	}{
		{"addEvent", []any{"MTLM0001", "MTLA100626", Conferences, int32(2)}},
		{"bookEvent", []any{"MTLC0001", "MTLA100626", Conferences}},
		{"bookEvent", []any{"MTLC0001", "MTLA100626", Conferences}}, // refused
		{"listEventAvailability", []any{"MTLM0001", Conferences}},
		{"listEventAvailability", []any{"MTLM0001", TradeShows}}, // empty
		{"getBookingSchedule", []any{"MTLC0001"}},
		{"addEvent", []any{"MTLM0001", "MTLE100626", Conferences, int32(2)}},
		{"swapEvent", []any{"MTLC0001", "MTLE100626", Conferences, "MTLA100626", Conferences}},
		{"cancelEvent", []any{"MTLC0001", "MTLE100626", Conferences}},
		{"removeEvent", []any{"MTLM0001", "MTLE100626", Conferences}},
	}
	good, bad := NewReplica(NewState()), NewReplica(NewState())
	for _, rq := range reqs {
		req := request(enc, rq.op, rq.args...)
		want, got := good.Execute(req), bad.ExecuteWrong(req)
		assert.NotEqual(t, want.Body, got.Body, rq.op)
		assert.Equal(t, want.Status, got.Status, rq.op)
		_, err := decodeReply(enc, rq.op, got)
		var ee *EventError
		if err != nil {
			require.ErrorAs(t, err, &ee, "a wrong reply must still decode: %s", rq.op)
		}
		assert.Equal(t, good.Digest(), bad.Digest(), "the state stays correct: %s", rq.op)
	}
}

// BenchmarkExecuteBookCancel measures one replica's bookEvent+cancelEvent
// through Execute (CDR in, CDR out): the ceiling for replicated throughput.
func BenchmarkExecuteBookCancel(b *testing.B) {
	r := NewService()
	enc := encodings[0]
	book := request(enc, "bookEvent", "MTLC0001", "MTLA100626", Seminars)
	cancel := request(enc, "cancelEvent", "MTLC0001", "MTLA100626", Seminars)
	b.ReportAllocs()
	for b.Loop() {
		if r.Execute(book).Status != replicas.NoException || r.Execute(cancel).Status != replicas.NoException {
			b.Fatal("unexpected refusal")
		}
	}
}
