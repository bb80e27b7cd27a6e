// Package data holds the postcode data set behind the embedded provider: the
// in-memory index, the CSV loaders (the product's own sample format, the ONS
// Postcode Directory and OS Code-Point Open) and the embedded sample.
package data

import (
	"sort"

	"concord/postcodes"
)

// Record is one full postcode.
type Record struct {
	Postcode    string // normalised, e.g. "SW1A 1AA"
	Town        string // post town, when the source has one (sample format only)
	District    string // local authority ("admin_district" in postcodes.io)
	Region      string
	Country     string
	Latitude    float64
	Longitude   float64
	HasLocation bool
	Eastings    int // OS National Grid metres, when the source has them
	Northings   int
	HasGrid     bool
}

// Outcode aggregates an outward code: the explicit sample row when there is
// one, otherwise the mean position of its postcodes.
type Outcode struct {
	Outcode     string
	Town        string
	Districts   []string // sorted, distinct
	Countries   []string // sorted, distinct
	Latitude    float64
	Longitude   float64
	HasLocation bool
}

// Dataset is an immutable index of postcodes and outward codes, safe for
// concurrent readers once built.
type Dataset struct {
	postcodes map[string]Record
	outcodes  map[string]Outcode
}

// Postcode looks up a normalised postcode.
func (d *Dataset) Postcode(normalised string) (Record, bool) {
	r, ok := d.postcodes[normalised]
	return r, ok
}

// Outcode looks up a normalised outward code.
func (d *Dataset) Outcode(normalised string) (Outcode, bool) {
	o, ok := d.outcodes[normalised]
	return o, ok
}

// Len is the number of full postcodes.
func (d *Dataset) Len() int { return len(d.postcodes) }

// Outcodes is the number of outward codes.
func (d *Dataset) Outcodes() int { return len(d.outcodes) }

// builder accumulates rows; build derives the outward-code index.
type builder struct {
	postcodes map[string]Record
	explicit  map[string]Outcode // outward-code rows of the sample format
}

func newBuilder() *builder {
	return &builder{postcodes: map[string]Record{}, explicit: map[string]Outcode{}}
}

func (b *builder) build() *Dataset {
	type acc struct {
		sumLat, sumLong float64
		n               int
		districts       map[string]bool
		countries       map[string]bool
	}
	accs := map[string]*acc{}
	get := func(oc string) *acc {
		a := accs[oc]
		if a == nil {
			a = &acc{districts: map[string]bool{}, countries: map[string]bool{}}
			accs[oc] = a
		}
		return a
	}
	for _, r := range b.postcodes {
		oc, _ := postcodes.Split(r.Postcode)
		a := get(oc)
		if r.HasLocation {
			a.sumLat += r.Latitude
			a.sumLong += r.Longitude
			a.n++
		}
		if r.District != "" {
			a.districts[r.District] = true
		}
		if r.Country != "" {
			a.countries[r.Country] = true
		}
	}
	for oc, o := range b.explicit {
		a := get(oc)
		for _, d := range o.Districts {
			a.districts[d] = true
		}
		for _, c := range o.Countries {
			a.countries[c] = true
		}
	}
	d := &Dataset{postcodes: b.postcodes, outcodes: make(map[string]Outcode, len(accs))}
	for oc, a := range accs {
		o, explicit := b.explicit[oc]
		o.Outcode = oc
		o.Districts = sortedKeys(a.districts)
		o.Countries = sortedKeys(a.countries)
		if !(explicit && o.HasLocation) && a.n > 0 {
			o.Latitude = postcodes.Round6(a.sumLat / float64(a.n))
			o.Longitude = postcodes.Round6(a.sumLong / float64(a.n))
			o.HasLocation = true
		}
		d.outcodes[oc] = o
	}
	return d
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
