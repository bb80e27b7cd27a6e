package data

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"concord/postcodes"
)

// parser turns rows of one format into builder entries. intern shares the
// few hundred distinct area names across millions of rows of a full directory.
type parser struct {
	b      *builder
	intern map[string]string
	col    map[string]int // logical column -> index, -1 when absent
	width  int            // fields per row, from the header
}

func (p *parser) str(s string) string {
	s = strings.TrimSpace(s)
	if v, ok := p.intern[s]; ok {
		return v
	}
	s = strings.Clone(s) // the csv reader reuses its buffer
	p.intern[s] = s
	return s
}

// field returns the named logical column of rec, or "" when absent.
func (p *parser) field(rec []string, name string) string {
	i, ok := p.col[name]
	if !ok || i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func (p *parser) checkWidth(rec []string) error {
	if len(rec) != p.width {
		return fmt.Errorf("want %d fields as in the header, got %d", p.width, len(rec))
	}
	return nil
}

func (p *parser) add(r Record) error {
	if _, dup := p.b.postcodes[r.Postcode]; dup {
		return fmt.Errorf("duplicate postcode %q", r.Postcode)
	}
	p.b.postcodes[r.Postcode] = r
	return nil
}

// ---- sample format ----

func (p *parser) sampleColumns(cols map[string]int) error {
	p.col = map[string]int{}
	for _, name := range []string{"postcode", "town", "admin_district", "region", "country", "latitude", "longitude"} {
		i, ok := cols[name]
		if !ok {
			i = -1
			if name == "latitude" || name == "longitude" {
				return fmt.Errorf("missing column %q", name)
			}
		}
		p.col[name] = i
	}
	return nil
}

func (p *parser) sampleRow(rec []string) error {
	if err := p.checkWidth(rec); err != nil {
		return err
	}
	lat, long, hasLoc, err := parseLatLong(p.field(rec, "latitude"), p.field(rec, "longitude"))
	if err != nil {
		return err
	}
	raw := p.field(rec, "postcode")
	district, region, country := p.str(p.field(rec, "admin_district")), p.str(p.field(rec, "region")), p.str(p.field(rec, "country"))
	if pc, err := postcodes.Normalise(raw); err == nil {
		return p.add(Record{Postcode: pc, Town: p.str(p.field(rec, "town")), District: district,
			Region: region, Country: country, Latitude: lat, Longitude: long, HasLocation: hasLoc})
	}
	oc, err := postcodes.NormaliseOutcode(raw)
	if err != nil {
		return fmt.Errorf("invalid postcode or outward code %q", raw)
	}
	if _, dup := p.b.explicit[oc]; dup {
		return fmt.Errorf("duplicate outward code %q", oc)
	}
	o := Outcode{Outcode: oc, Town: p.str(p.field(rec, "town")), Latitude: lat, Longitude: long, HasLocation: hasLoc}
	if district != "" {
		o.Districts = []string{district}
	}
	if country != "" {
		o.Countries = []string{country}
	}
	p.b.explicit[oc] = o
	return nil
}

// ---- ONS Postcode Directory ----

// Newer directory releases suffix codes with the boundary year (lad25cd).
var (
	ladColumn  = regexp.MustCompile(`^(oslaua|laua|lad\d\dcd)$`)
	rgnColumn  = regexp.MustCompile(`^(rgn|rgn\d\dcd)$`)
	ctryColumn = regexp.MustCompile(`^(ctry|ctry\d\dcd)$`)
)

func (p *parser) onsColumns(cols map[string]int) error {
	p.col = map[string]int{"district": -1, "region": -1, "country": -1, "east": -1, "north": -1, "doterm": -1}
	if i, ok := cols["pcds"]; ok {
		p.col["postcode"] = i
	} else {
		p.col["postcode"] = cols["pcd"]
	}
	for _, name := range []string{"lat", "long"} {
		i, ok := cols[name]
		if !ok {
			return fmt.Errorf("missing column %q", name)
		}
		p.col[name] = i
	}
	for name, i := range cols {
		switch {
		case ladColumn.MatchString(name):
			p.col["district"] = i
		case rgnColumn.MatchString(name):
			p.col["region"] = i
		case ctryColumn.MatchString(name):
			p.col["country"] = i
		case name == "oseast1m" || name == "east1m":
			p.col["east"] = i
		case name == "osnrth1m" || name == "north1m":
			p.col["north"] = i
		case name == "doterm":
			p.col["doterm"] = i
		}
	}
	return nil
}

func (p *parser) onsRow(rec []string) error {
	if err := p.checkWidth(rec); err != nil {
		return err
	}
	if p.field(rec, "doterm") != "" {
		return nil // terminated postcodes are not deliverable
	}
	raw := p.field(rec, "postcode")
	pc, err := postcodes.Normalise(raw)
	if err != nil {
		return fmt.Errorf("invalid postcode %q", raw)
	}
	latS, longS := p.field(rec, "lat"), p.field(rec, "long")
	if latS == "99.999999" { // the directory's "no grid reference"
		latS, longS = "", ""
	}
	lat, long, hasLoc, err := parseLatLong(latS, longS)
	if err != nil {
		return err
	}
	r := Record{Postcode: pc, Latitude: lat, Longitude: long, HasLocation: hasLoc}
	r.Country = p.str(nameOf(countryNames, p.field(rec, "country")))
	var lauRegion string
	if code := p.field(rec, "district"); code != "" {
		name, reg := districtOf(code)
		r.District, lauRegion = p.str(name), reg
	}
	if code := p.field(rec, "region"); code != "" {
		r.Region = p.str(nameOf(regionNames, code))
	} else if lauRegion != "" {
		r.Region = p.str(lauRegion)
	} else {
		r.Region = p.str(regionFromCountry(r.Country))
	}
	r.Eastings, r.Northings, r.HasGrid = parseGrid(p.field(rec, "east"), p.field(rec, "north"))
	return p.add(r)
}

// ---- OS Code-Point Open ----

func (p *parser) codePointRow(rec []string) error {
	if len(rec) < 4 {
		return fmt.Errorf("want at least 4 fields (postcode, quality, eastings, northings), got %d", len(rec))
	}
	at := func(i int) string {
		if i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	pc, err := postcodes.Normalise(at(0))
	if err != nil {
		return fmt.Errorf("invalid postcode %q", at(0))
	}
	e, n, ok := parseGrid(at(2), at(3))
	if !ok {
		return fmt.Errorf("invalid eastings/northings %q, %q", at(2), at(3))
	}
	r := Record{Postcode: pc, Eastings: e, Northings: n, HasGrid: e != 0 || n != 0}
	if r.HasGrid { // quality 90 rows carry 0,0: no position
		lat, long := GridToWGS84(float64(e), float64(n))
		r.Latitude, r.Longitude, r.HasLocation = postcodes.Round6(lat), postcodes.Round6(long), true
	}
	r.Country = p.str(nameOf(countryNames, at(4)))
	var region string
	if code := at(8); code != "" {
		var name string
		name, region = districtOf(code)
		r.District = p.str(name)
	}
	if region == "" {
		region = regionFromCountry(r.Country)
	}
	r.Region = p.str(region)
	return p.add(r)
}

// ---- shared field parsers ----

// parseLatLong accepts two empty fields (no position) or two in-range numbers.
func parseLatLong(latS, longS string) (lat, long float64, ok bool, err error) {
	if latS == "" && longS == "" {
		return 0, 0, false, nil
	}
	lat, err1 := strconv.ParseFloat(latS, 64)
	long, err2 := strconv.ParseFloat(longS, 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || long < -180 || long > 180 {
		return 0, 0, false, fmt.Errorf("invalid latitude/longitude %q, %q", latS, longS)
	}
	return postcodes.Round6(lat), postcodes.Round6(long), true, nil
}

func parseGrid(eS, nS string) (e, n int, ok bool) {
	if eS == "" || nS == "" {
		return 0, 0, false
	}
	e, err1 := strconv.Atoi(eS)
	n, err2 := strconv.Atoi(nS)
	if errors.Join(err1, err2) != nil || e < 0 || n < 0 || e > 800000 || n > 1300000 {
		return 0, 0, false
	}
	return e, n, true
}
