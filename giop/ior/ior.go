// Package ior encodes and decodes Interoperable Object References: the IOP
// IOR structure, IIOP profiles (1.0-1.2) with their tagged components, the
// stringified "IOR:" form and corbaloc URLs.
package ior

import (
	"encoding/hex"
	"fmt"
	"strings"

	"concord/giop/cdr"
)

// Profile tags (IOP::ProfileId).
const (
	TagInternetIOP        uint32 = 0
	TagMultipleComponents uint32 = 1
)

// Component tags (IOP::ComponentId).
const (
	TagORBType                 uint32 = 0
	TagCodeSets                uint32 = 1
	TagAlternateIIOPAddress    uint32 = 3
	ORBTypeConcord             uint32 = 0x434E4300 // "CNC\0": our vendor ORB type
	maxStringifiedIORHexLength        = 1 << 20
)

// TaggedProfile is one IOP::TaggedProfile, its data kept as raw bytes (an
// encapsulation) so unknown profiles survive a round trip untouched.
type TaggedProfile struct {
	Tag  uint32
	Data []byte
}

// IOR is an IOP::IOR.
type IOR struct {
	TypeID   string
	Profiles []TaggedProfile
}

// Marshal writes the IOR as CDR (not encapsulated) into e.
func (r *IOR) Marshal(e *cdr.Encoder) {
	e.WriteString(r.TypeID)
	e.WriteULong(uint32(len(r.Profiles)))
	for _, p := range r.Profiles {
		e.WriteULong(p.Tag)
		e.WriteOctetSeq(p.Data)
	}
}

// Unmarshal reads an IOR from d.
func Unmarshal(d *cdr.Decoder) (*IOR, error) {
	r := &IOR{TypeID: d.ReadString()}
	n := d.ReadSeqLen(8)
	for i := 0; i < n && d.Err() == nil; i++ {
		tag := d.ReadULong()
		data := d.ReadOctetSeq()
		r.Profiles = append(r.Profiles, TaggedProfile{Tag: tag, Data: append([]byte(nil), data...)})
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("ior: %w", err)
	}
	return r, nil
}

// IsNil reports whether this is a nil object reference (no type, no profiles).
func (r *IOR) IsNil() bool { return r.TypeID == "" && len(r.Profiles) == 0 }

// String returns the stringified form "IOR:<hex of a big-endian encapsulation>".
func (r *IOR) String() string {
	e := cdr.NewEncoder(false)
	e.WriteBoolean(false)
	r.Marshal(e)
	return "IOR:" + hex.EncodeToString(e.Bytes())
}

// Parse decodes a stringified IOR ("IOR:..." in either case, hex digits in
// either case, surrounding white space ignored).
func Parse(s string) (*IOR, error) {
	s = strings.TrimSpace(s)
	if len(s) < 4 || !strings.EqualFold(s[:4], "IOR:") {
		return nil, fmt.Errorf("ior: stringified IOR must start with \"IOR:\"")
	}
	h := s[4:]
	if len(h) > maxStringifiedIORHexLength {
		return nil, fmt.Errorf("ior: stringified IOR of %d hex digits is too long", len(h))
	}
	if len(h)%2 != 0 {
		return nil, fmt.Errorf("ior: odd number of hex digits")
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("ior: %w", err)
	}
	d := cdr.OpenEncapsulation(b)
	if d.Err() != nil {
		return nil, fmt.Errorf("ior: %w", d.Err())
	}
	return Unmarshal(d)
}

// IIOPProfiles decodes every IIOP profile of the reference, in order.
func (r *IOR) IIOPProfiles() ([]*IIOPProfile, error) {
	var out []*IIOPProfile
	for _, p := range r.Profiles {
		if p.Tag != TagInternetIOP {
			continue
		}
		ip, err := ParseIIOPProfile(p.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, ip)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ior: no IIOP profile in reference of type %q", r.TypeID)
	}
	return out, nil
}
