package data

import (
	"bytes"
	_ "embed"
	"sync"
)

// sampleCSV is the data set shipped inside the binary (FormatSample): real UK
// outward codes and the full postcodes of well-known public buildings (a
// few per outward code) in cities across all four nations, with their local
// authority, region and an approximate position (within a few hundred
// metres). Enough to demonstrate and test the product without the internet;
// load an ONS or Code-Point file for coverage (see ../README.md).
//
//go:embed sample.csv
var sampleCSV []byte

var sample = sync.OnceValue(func() *Dataset {
	ds, _, err := Load(bytes.NewReader(sampleCSV))
	if err != nil {
		panic("postcodes/data: embedded sample is malformed: " + err.Error())
	}
	return ds
})

// Sample returns the embedded data set (parsed once, shared, read-only).
func Sample() *Dataset { return sample() }

// SampleCSV returns a copy of the embedded CSV, e.g. to write it out.
func SampleCSV() []byte { return bytes.Clone(sampleCSV) }
