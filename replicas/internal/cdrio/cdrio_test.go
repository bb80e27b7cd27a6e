package cdrio

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/cdr"
	"concord/giop/orb"
	"concord/replicas"
)

// fakeServant reads one long and runs do with it.
type fakeServant struct {
	do func(arg int32, out *cdr.Encoder) error
}

func (f fakeServant) RepositoryIDs() []string { return []string{"IDL:Test/Fake:1.0"} }

func (f fakeServant) Dispatch(_ context.Context, op string, in *cdr.Decoder, out *cdr.Encoder) error {
	if op != "op" {
		return orb.BadOperation(op)
	}
	a := in.ReadLong()
	if err := in.Err(); err != nil {
		return err
	}
	return f.do(a, out)
}

// fakeError is a user exception with one string member.
type fakeError struct{ why string }

func (e *fakeError) Error() string               { return e.why }
func (e *fakeError) RepositoryID() string        { return "IDL:Test/Oops:1.0" }
func (e *fakeError) MarshalCDR(enc *cdr.Encoder) { enc.WriteString(e.why) }

func TestDispatchMapsOutcomesToReplyBodies(t *testing.T) {
	ok := func(a int32, out *cdr.Encoder) error { out.WriteLongLong(int64(a) * 2); return nil }
	tests := []struct {
		name   string
		op     string
		args   []byte
		do     func(int32, *cdr.Encoder) error
		status replicas.ReplyStatus
		check  func(t *testing.T, d *cdr.Decoder)
	}{
		{name: "result", op: "op", do: ok, status: replicas.NoException,
			check: func(t *testing.T, d *cdr.Decoder) { assert.Equal(t, int64(42), d.ReadLongLong()) }},
		{name: "user exception: repository id then members", op: "op", status: replicas.UserException,
			do: func(int32, *cdr.Encoder) error { return &fakeError{"no seats"} },
			check: func(t *testing.T, d *cdr.Decoder) {
				assert.Equal(t, "IDL:Test/Oops:1.0", d.ReadString())
				assert.Equal(t, "no seats", d.ReadString())
			}},
		{name: "wrapped user exception", op: "op", status: replicas.UserException,
			do: func(int32, *cdr.Encoder) error { return errors.Join(&fakeError{"x"}) },
			check: func(t *testing.T, d *cdr.Decoder) {
				assert.Equal(t, "IDL:Test/Oops:1.0", d.ReadString())
				assert.Equal(t, "x", d.ReadString())
			}},
		{name: "unknown operation", op: "nope", do: ok, status: replicas.SystemException,
			check: sysExc("BAD_OPERATION", 0, orb.CompletedNo)},
		{name: "arguments do not decode", op: "op", args: []byte{1}, do: ok, status: replicas.SystemException,
			check: sysExc("MARSHAL", 0, orb.CompletedNo)},
		{name: "results do not encode", op: "op", status: replicas.SystemException,
			do: func(_ int32, out *cdr.Encoder) error {
				out.SetError(cdr.BadParamError("too big"))
				return out.Err()
			},
			check: sysExc("BAD_PARAM", 0, orb.CompletedYes)},
		{name: "system exception from the servant", op: "op", status: replicas.SystemException,
			do: func(int32, *cdr.Encoder) error {
				return orb.NewSystemException(orb.INTERNAL, 7, orb.CompletedNo, "bad inputs")
			},
			check: sysExc("INTERNAL", 7, orb.CompletedNo)},
		{name: "any other error", op: "op", status: replicas.SystemException,
			do:    func(int32, *cdr.Encoder) error { return errors.New("bug") },
			check: sysExc("UNKNOWN", 0, orb.CompletedMaybe)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, enc := range []replicas.Encoding{
				{LittleEndian: true, ArgsOffset: 0, ReplyOffset: 0, GIOPMinor: 2},
				{LittleEndian: false, ArgsOffset: 3, ReplyOffset: 5, GIOPMinor: 0},
			} {
				args := tc.args
				if args == nil {
					e := cdr.NewEncoderAt(enc.LittleEndian, int(enc.ArgsOffset))
					e.WriteLong(21)
					args = e.Bytes()
				}
				rep := Dispatch(context.Background(), fakeServant{tc.do}, replicas.Request{Operation: tc.op, Args: args, Enc: enc})
				require.Equal(t, tc.status, rep.Status, "%+v", enc)
				// The body is aligned as if it started at ReplyOffset.
				d := cdr.NewDecoderAt(rep.Body, enc.LittleEndian, int(enc.ReplyOffset))
				tc.check(t, d)
				require.NoError(t, d.Err())
				assert.Zero(t, d.Remaining(), "nothing after the body")
			}
		})
	}
}

func sysExc(name string, minor uint32, completed orb.CompletionStatus) func(*testing.T, *cdr.Decoder) {
	return func(t *testing.T, d *cdr.Decoder) {
		assert.Equal(t, "IDL:omg.org/CORBA/"+name+":1.0", d.ReadString())
		assert.Equal(t, minor, d.ReadULong(), "minor")
		assert.Equal(t, uint32(completed), d.ReadULong(), "completion")
	}
}
