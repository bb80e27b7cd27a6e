package postcodes

import (
	"math"
	"strings"
)

// Address is the result of a postcode lookup. It holds only comparable scalar
// fields so it can be compared with ==, used as a map value, and serialised
// field by field (JSON tags here; the replicas encode it in CDR). Coordinates
// are rounded to 6 decimal places (about 0.1 m) by NewAddress so the same
// place gives bit-identical values whichever provider answered. Zero
// coordinates mean "not known" (0,0 is far outside the UK).
type Address struct {
	Postcode  string  `json:"postcode"`  // normalised, e.g. "SW1A 1AA"
	Line      string  `json:"line"`      // "<admin district>, <region>"
	Town      string  `json:"town"`      // the admin district (local authority)
	Region    string  `json:"region"`    // e.g. "London", "Scotland"
	Country   string  `json:"country"`   // e.g. "England"
	Latitude  float64 `json:"latitude"`  // WGS84 degrees
	Longitude float64 `json:"longitude"` // WGS84 degrees
}

// NewAddress builds an Address deterministically from provider fields: it
// trims the text, rounds the coordinates and derives Line.
func NewAddress(postcode, district, region, country string, lat, long float64) Address {
	a := Address{
		Postcode:  postcode,
		Town:      strings.TrimSpace(district),
		Region:    strings.TrimSpace(region),
		Country:   strings.TrimSpace(country),
		Latitude:  Round6(lat),
		Longitude: Round6(long),
	}
	a.Line = line(a.Town, a.Region, a.Country)
	return a
}

// line joins district and region; the country stands in for a missing
// region, and a part equal to the one before it is not repeated.
func line(district, region, country string) string {
	if region == "" {
		region = country
	}
	var parts []string
	for _, p := range []string{district, region} {
		if p != "" && (len(parts) == 0 || parts[len(parts)-1] != p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Round6 rounds to 6 decimal places; NaN and infinities become 0 so an
// Address always compares equal to itself.
func Round6(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	r := math.Round(x*1e6) / 1e6
	if r == 0 {
		return 0 // drop negative zero
	}
	return r
}
