package data

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/postcodes"
)

// TestSampleCoverage checks the shipped data set's promises: dozens of
// outward codes, several full postcodes for most, every row plausible.
func TestSampleCoverage(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(SampleCSV())).ReadAll()
	require.NoError(t, err)
	ds := Sample()
	assert.GreaterOrEqual(t, ds.Outcodes(), 50)
	assert.GreaterOrEqual(t, ds.Len(), 100)

	perOutcode := map[string]int{}
	for _, row := range rows[1:] {
		pc, err := postcodes.Normalise(row[0])
		if err != nil {
			continue // an outward-code row
		}
		r, ok := ds.Postcode(pc)
		require.True(t, ok, pc)
		oc, _ := postcodes.Split(pc)
		perOutcode[oc]++
		assert.True(t, r.HasLocation, pc)
		// Inside the UK's bounding box: catches swapped or mistyped coordinates.
		assert.True(t, r.Latitude > 49.8 && r.Latitude < 60.9, "%s latitude %v", pc, r.Latitude)
		assert.True(t, r.Longitude > -8.7 && r.Longitude < 1.8, "%s longitude %v", pc, r.Longitude)
		assert.NotEmpty(t, r.Town, pc)
		assert.NotEmpty(t, r.District, pc)
		assert.Contains(t, []string{"England", "Scotland", "Wales", "Northern Ireland"}, r.Country, pc)
		if r.Country == "England" {
			assert.NotEqual(t, "England", r.Region, "%s: English postcodes have an English region", pc)
		}
		_, ok = ds.Outcode(oc)
		assert.True(t, ok, "outward code %s of %s is indexed", oc, pc)
	}
	several := 0
	for _, n := range perOutcode {
		if n >= 2 {
			several++
		}
	}
	assert.GreaterOrEqual(t, several, 40, "most outward codes have several full postcodes")
}
