package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSample(t *testing.T) {
	ds := Sample()
	require.GreaterOrEqual(t, ds.Len(), 30, "a few dozen full postcodes")
	cities := map[string]bool{}
	for _, pc := range []string{"SW1A 1AA", "M13 9PL", "EH1 2NG", "CF10 3RB", "BT1 5GS", "BS8 1TH"} {
		r, ok := ds.Postcode(pc)
		require.True(t, ok, pc)
		assert.True(t, r.HasLocation, pc)
		assert.NotEmpty(t, r.District, pc)
		assert.NotEmpty(t, r.Country, pc)
		cities[r.Town] = true
	}
	assert.Len(t, cities, 6, "sample spans several cities")

	r, _ := ds.Postcode("SW1A 1AA")
	assert.Equal(t, Record{Postcode: "SW1A 1AA", Town: "London", District: "Westminster", Region: "London",
		Country: "England", Latitude: 51.501009, Longitude: -0.141563, HasLocation: true}, r)

	o, ok := ds.Outcode("SW1A")
	require.True(t, ok)
	assert.Equal(t, 51.5045, o.Latitude, "explicit outward-code row wins over the mean")
	assert.Equal(t, []string{"Westminster"}, o.Districts)

	// BR8 has no outward-code row: derived from its one postcode.
	o, ok = ds.Outcode("BR8")
	require.True(t, ok)
	assert.Equal(t, 51.411831, o.Latitude)
	assert.Equal(t, []string{"Sevenoaks"}, o.Districts)

	// Outward code with postcodes in two districts (M16 row says Trafford).
	o, _ = ds.Outcode("BS8")
	assert.Equal(t, []string{"Bristol, City of"}, o.Districts)
	assert.Equal(t, []string{"England"}, o.Countries)
}

func TestLoadONS(t *testing.T) {
	csv := "\ufeffpcd,pcd2,pcds,dointr,doterm,oslaua,osward,oseast1m,osnrth1m,ctry,rgn,lat,long\n" +
		"SW1A1AA,SW1A 1AA,SW1A 1AA,198001,,E09000033,E05013806,529090,179645,E92000001,E12000007,51.501009,-0.141563\n" +
		"EH1 2NG,EH1  2NG,EH1 2NG,198001,,S12000036,S13002928,325165,673450,S92000003,S99999999,55.948624,-3.199873\n" +
		"AB1 0AA,AB1  0AA,AB1 0AA,198001,199606,S12000033,S13002843,385386,801193,S92000003,S99999999,57.101474,-2.242851\n" +
		"ZE3 9JZ,ZE3  9JZ,ZE3 9JZ,198001,,S12000027,S13003109,,,S92000003,S99999999,99.999999,0.000000\n" +
		"XX9 9XX,XX9  9XX,YO1 7HH,198001,,E06000014,E05001234,460300,451900,E92000001,E12000003,53.960,-1.080\n"
	ds, format, err := Load(strings.NewReader(csv))
	require.NoError(t, err)
	assert.Equal(t, FormatONS, format)
	assert.Equal(t, 4, ds.Len(), "terminated AB1 0AA skipped")

	r, ok := ds.Postcode("SW1A 1AA")
	require.True(t, ok)
	assert.Equal(t, Record{Postcode: "SW1A 1AA", District: "Westminster", Region: "London", Country: "England",
		Latitude: 51.501009, Longitude: -0.141563, HasLocation: true, Eastings: 529090, Northings: 179645, HasGrid: true}, r)

	r, _ = ds.Postcode("EH1 2NG")
	assert.Equal(t, "City of Edinburgh", r.District)
	assert.Equal(t, "Scotland", r.Region, "pseudo region code named")

	r, ok = ds.Postcode("ZE3 9JZ")
	require.True(t, ok)
	assert.False(t, r.HasLocation, "99.999999 means no grid reference")
	assert.False(t, r.HasGrid)

	_, ok = ds.Postcode("YO1 7HH")
	assert.True(t, ok, "pcds preferred over pcd")
	r, _ = ds.Postcode("YO1 7HH")
	assert.Equal(t, "E06000014", r.District, "unknown codes kept as codes")
	assert.Equal(t, "Yorkshire and The Humber", r.Region)
}

func TestLoadONSNewColumnNames(t *testing.T) {
	csv := "pcds,doterm,lad25cd,rgn25cd,ctry25cd,lat,long\n" +
		"CF10 3RB,,W06000015,W99999999,W92000004,51.48,-3.18\n"
	ds, _, err := Load(strings.NewReader(csv))
	require.NoError(t, err)
	r, _ := ds.Postcode("CF10 3RB")
	assert.Equal(t, "Cardiff", r.District)
	assert.Equal(t, "Wales", r.Region)
	assert.Equal(t, "Wales", r.Country)
}

func TestLoadCodePoint(t *testing.T) {
	csv := `"SW1A1AA",10,529090,179645,"E92000001","E19000003","E18000007","","E09000033","E05013806"
"BR8 7RE",10,551626,170342,"E92000001","E19000002","E18000008","E10000016","E07000111","E05009958"
"AB101AA",90,0,0,"S92000003","","S08000020","","S12000033","S13002842"
`
	ds, format, err := Load(strings.NewReader(csv))
	require.NoError(t, err)
	assert.Equal(t, FormatCodePoint, format)
	require.Equal(t, 3, ds.Len(), "first row is data, not a header")

	cases := []struct {
		pc               string
		lat, long        float64
		district, region string
	}{
		// Expected positions are the published WGS84 ones; the Helmert
		// conversion is good to a few metres (1e-4 degrees ~ 10 m).
		{"SW1A 1AA", 51.50101, -0.141563, "Westminster", "London"},
		{"BR8 7RE", 51.411831, 0.178871, "Sevenoaks", "South East"},
	}
	for _, c := range cases {
		t.Run(c.pc, func(t *testing.T) {
			r, ok := ds.Postcode(c.pc)
			require.True(t, ok)
			require.True(t, r.HasLocation)
			assert.InDelta(t, c.lat, r.Latitude, 1e-4)
			assert.InDelta(t, c.long, r.Longitude, 1e-4)
			assert.Equal(t, c.district, r.District)
			assert.Equal(t, c.region, r.Region)
			assert.True(t, r.HasGrid)
		})
	}
	r, _ := ds.Postcode("AB10 1AA")
	assert.False(t, r.HasLocation, "quality 90 rows have no position")
	assert.Equal(t, "Scotland", r.Country)
	assert.Equal(t, "Scotland", r.Region)
	assert.Equal(t, "S12000033", r.District)
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, csv string
		line      int
		contains  string
	}{
		{"bad latitude", "postcode,latitude,longitude\nSW1A 1AA,51.5,-0.14\nM1 1AE,north,-2.2\n", 3, "latitude"},
		{"latitude out of range", "postcode,latitude,longitude\nM1 1AE,91,-2.2\n", 2, "latitude"},
		{"bad postcode", "postcode,latitude,longitude\nSW1A 1AA,51.5,-0.14\n\nNOT A PC,51,0\n", 4, "invalid postcode"},
		{"duplicate", "postcode,latitude,longitude\nSW1A 1AA,51.5,-0.14\nsw1a1aa,51.5,-0.14\n", 3, "duplicate"},
		{"wrong field count", "postcode,latitude,longitude\nSW1A 1AA,51.5\n", 2, "fields"},
		{"unterminated quote", "postcode,latitude,longitude\nSW1A 1AA,51.5,-0.14\n\"M1 1AE,53,-2\n", 3, "quote"},
		{"missing column", "postcode,town\nSW1A 1AA,London\n", 1, "latitude"},
		{"ONS missing lat", "pcds,long\nSW1A 1AA,-0.1\n", 1, "lat"},
		{"ONS bad postcode", "pcds,lat,long\nSW1A 1AA,51.5,-0.14\nBAD,51,0\n", 3, "invalid postcode"},
		{"Code-Point bad grid", "\"SW1A1AA\",10,529090,179645\n\"BR87RE\",10,east,170342\n", 2, "eastings"},
		{"Code-Point bad postcode", "\"SW1A1AA\",10,529090,179645\n\"XXXXXX\",10,1,1\n", 2, "invalid postcode"},
		{"unrecognised", "name,age\nbob,3\n", 1, "unrecognised"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Load(strings.NewReader(c.csv))
			require.Error(t, err)
			var le *LineError
			require.ErrorAs(t, err, &le, "error %v carries a line", err)
			assert.Equal(t, c.line, le.Line, err.Error())
			assert.Contains(t, err.Error(), c.contains)
			assert.Contains(t, err.Error(), "line ")
		})
	}
	_, _, err := Load(strings.NewReader(""))
	assert.ErrorContains(t, err, "empty")
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pc.csv")
	require.NoError(t, os.WriteFile(path, SampleCSV(), 0o600))
	ds, format, err := LoadFile(path)
	require.NoError(t, err)
	assert.Equal(t, FormatSample, format)
	assert.Equal(t, Sample().Len(), ds.Len())

	require.NoError(t, os.WriteFile(path, []byte("postcode,latitude,longitude\nM1 1AE,x,y\n"), 0o600))
	_, _, err = LoadFile(path)
	assert.ErrorContains(t, err, path+": line 2:")

	_, _, err = LoadFile(filepath.Join(t.TempDir(), "missing.csv"))
	assert.Error(t, err)
}

func TestGridToWGS84(t *testing.T) {
	// The OS guide's worked example: 651409.903 E, 313177.270 N is
	// 52°39'27.2531"N 1°43'4.5177"E on OSGB36; on WGS84 it moves ~100 m.
	lat, long := GridToWGS84(651409.903, 313177.270)
	assert.InDelta(t, 52.6576, lat, 0.002)
	assert.InDelta(t, 1.7179, long, 0.003)
}
