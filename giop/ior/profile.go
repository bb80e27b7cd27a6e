package ior

import (
	"fmt"

	"concord/giop/cdr"
)

// TaggedComponent is one IOP::TaggedComponent of an IIOP 1.1+ profile.
type TaggedComponent struct {
	Tag  uint32
	Data []byte
}

// IIOPProfile is the body of a TAG_INTERNET_IOP profile.
type IIOPProfile struct {
	Major, Minor uint8
	Host         string
	Port         uint16
	ObjectKey    []byte
	Components   []TaggedComponent // only in IIOP 1.1 and later
}

// Encode returns the profile body as an encapsulation.
func (p *IIOPProfile) Encode() []byte {
	e := cdr.NewEncoder(false)
	e.WriteBoolean(false)
	e.WriteOctet(p.Major)
	e.WriteOctet(p.Minor)
	e.WriteString(p.Host)
	e.WriteUShort(p.Port)
	e.WriteOctetSeq(p.ObjectKey)
	if p.Minor >= 1 {
		e.WriteULong(uint32(len(p.Components)))
		for _, c := range p.Components {
			e.WriteULong(c.Tag)
			e.WriteOctetSeq(c.Data)
		}
	}
	return e.Bytes()
}

// Tagged wraps the profile as a TaggedProfile.
func (p *IIOPProfile) Tagged() TaggedProfile {
	return TaggedProfile{Tag: TagInternetIOP, Data: p.Encode()}
}

// ParseIIOPProfile decodes an IIOP profile body (an encapsulation).
func ParseIIOPProfile(data []byte) (*IIOPProfile, error) {
	d := cdr.OpenEncapsulation(data)
	p := &IIOPProfile{Major: d.ReadOctet(), Minor: d.ReadOctet()}
	if d.Err() == nil && p.Major != 1 {
		return nil, fmt.Errorf("ior: IIOP profile version %d.%d is not supported", p.Major, p.Minor)
	}
	p.Host = d.ReadString()
	p.Port = d.ReadUShort()
	p.ObjectKey = append([]byte(nil), d.ReadOctetSeq()...)
	if p.Minor >= 1 && d.Err() == nil && d.Remaining() > 0 {
		n := d.ReadSeqLen(8)
		for i := 0; i < n && d.Err() == nil; i++ {
			tag := d.ReadULong()
			p.Components = append(p.Components, TaggedComponent{Tag: tag, Data: append([]byte(nil), d.ReadOctetSeq()...)})
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("ior: IIOP profile: %w", err)
	}
	return p, nil
}

// Address is a host and port to connect to.
type Address struct {
	Host string
	Port uint16
}

func (a Address) String() string { return fmt.Sprintf("%s:%d", a.Host, a.Port) }

// Addresses returns the profile's primary address followed by every
// TAG_ALTERNATE_IIOP_ADDRESS, the order a client should try them in.
func (p *IIOPProfile) Addresses() []Address {
	out := []Address{{p.Host, p.Port}}
	for _, c := range p.Components {
		if c.Tag != TagAlternateIIOPAddress {
			continue
		}
		d := cdr.OpenEncapsulation(c.Data)
		a := Address{Host: d.ReadString(), Port: d.ReadUShort()}
		if d.Err() == nil {
			out = append(out, a)
		}
	}
	return out
}

// CodeSetComponent is one half (char or wchar) of CONV_FRAME::CodeSetComponentInfo.
type CodeSetComponent struct {
	Native     uint32
	Conversion []uint32
}

// CodeSetInfo is CONV_FRAME::CodeSetComponentInfo, carried in TAG_CODE_SETS.
type CodeSetInfo struct {
	Char, WChar CodeSetComponent
}

// DefaultCodeSetInfo is what concord servers advertise: UTF-8 native for char
// with ISO-8859-1 as a conversion set, UTF-16 for wchar.
var DefaultCodeSetInfo = CodeSetInfo{
	Char:  CodeSetComponent{Native: cdr.CodeSetUTF8, Conversion: []uint32{cdr.CodeSetISO8859_1}},
	WChar: CodeSetComponent{Native: cdr.CodeSetUTF16},
}

// Component returns the TAG_CODE_SETS component.
func (c CodeSetInfo) Component() TaggedComponent {
	e := cdr.NewEncoder(false)
	e.WriteBoolean(false)
	for _, half := range []CodeSetComponent{c.Char, c.WChar} {
		e.WriteULong(half.Native)
		e.WriteULong(uint32(len(half.Conversion)))
		for _, cs := range half.Conversion {
			e.WriteULong(cs)
		}
	}
	return TaggedComponent{Tag: TagCodeSets, Data: e.Bytes()}
}

// CodeSets returns the profile's TAG_CODE_SETS information, if present.
func (p *IIOPProfile) CodeSets() (CodeSetInfo, bool) {
	for _, c := range p.Components {
		if c.Tag != TagCodeSets {
			continue
		}
		d := cdr.OpenEncapsulation(c.Data)
		var info CodeSetInfo
		for _, half := range []*CodeSetComponent{&info.Char, &info.WChar} {
			half.Native = d.ReadULong()
			n := d.ReadSeqLen(4)
			for i := 0; i < n; i++ {
				half.Conversion = append(half.Conversion, d.ReadULong())
			}
		}
		if d.Err() == nil {
			return info, true
		}
	}
	return CodeSetInfo{}, false
}

// ORBTypeComponent returns a TAG_ORB_TYPE component.
func ORBTypeComponent(orbType uint32) TaggedComponent {
	e := cdr.NewEncoder(false)
	e.WriteBoolean(false)
	e.WriteULong(orbType)
	return TaggedComponent{Tag: TagORBType, Data: e.Bytes()}
}

// AlternateAddressComponent returns a TAG_ALTERNATE_IIOP_ADDRESS component.
func AlternateAddressComponent(a Address) TaggedComponent {
	e := cdr.NewEncoder(false)
	e.WriteBoolean(false)
	e.WriteString(a.Host)
	e.WriteUShort(a.Port)
	return TaggedComponent{Tag: TagAlternateIIOPAddress, Data: e.Bytes()}
}

// New builds a reference with one IIOP 1.2 profile carrying the standard
// components (ORB type, code sets) and any alternate addresses.
func New(typeID string, primary Address, objectKey []byte, alternates ...Address) *IOR {
	p := &IIOPProfile{Major: 1, Minor: 2, Host: primary.Host, Port: primary.Port, ObjectKey: objectKey,
		Components: []TaggedComponent{ORBTypeComponent(ORBTypeConcord), DefaultCodeSetInfo.Component()}}
	for _, a := range alternates {
		p.Components = append(p.Components, AlternateAddressComponent(a))
	}
	return &IOR{TypeID: typeID, Profiles: []TaggedProfile{p.Tagged()}}
}
