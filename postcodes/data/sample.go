package data

import (
	"bytes"
	_ "embed"
	"sync"
)

// sampleCSV is the data set shipped inside the binary (FormatSample): real UK
// outward codes and well-known full postcodes in several cities, with
// coordinates rounded to about 100 m. Enough to demonstrate and test the
// product without the internet; load an ONS or Code-Point file for coverage.
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
