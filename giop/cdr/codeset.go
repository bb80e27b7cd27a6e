package cdr

// Code set ids from the OSF registry, as used in CONV_FRAME service contexts
// and TAG_CODE_SETS components.
const (
	CodeSetISO8859_1 uint32 = 0x00010001
	CodeSetUTF8      uint32 = 0x05010001
	CodeSetUTF16     uint32 = 0x00010109
	CodeSetUCS2      uint32 = 0x00010100
)

// CodeSets is the pair of transmission code sets in force on a connection.
// The zero value means the GIOP defaults: ISO-8859-1 for char and UTF-16 for
// wchar.
type CodeSets struct {
	Char  uint32
	WChar uint32
}

func (c CodeSets) charIsUTF8() bool { return c.Char == CodeSetUTF8 }
