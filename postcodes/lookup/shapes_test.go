package lookup

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/postcodes"
)

// getTheDataServer answers in the getthedata (Open Postcode Geo) shape under
// prefix, for one known postcode, with coordinates as strings as that API does.
func getTheDataServer(t *testing.T, prefix string, paths *atomic.Value) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case prefix + "EH1 2NG":
			paths.Store(r.RequestURI)
			_, _ = w.Write([]byte(`{"status":"match","match_type":"unit_postcode","input":"EH1 2NG",
				"data":{"postcode":"EH1 2NG","status":"live","usertype":"small","easting":324769,"northing":673378,
				"positional_quality_indicator":1,"country":"Scotland","latitude":"55.948600","longitude":"-3.199900",
				"postcode_no_space":"EH12NG","postcode_fixed_width_seven":"EH1 2NG"},"copyright":["Contains OS data"]}`))
		default:
			_, _ = w.Write([]byte(`{"status":"no_match","match_type":"unit_postcode","input":"x"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestProviderResponseShapes(t *testing.T) {
	pcio := newFakeProvider(t, modeOK) // the embedded server: postcodes.io shape
	var gtdPath atomic.Value
	gtd := getTheDataServer(t, "/postcode/", &gtdPath)
	gtdTemplated := getTheDataServer(t, "/v3/lookup/", &gtdPath)

	cases := []struct {
		name     string
		spec     string
		postcode string
		want     postcodes.Address
		unknown  bool
	}{
		{"postcodes.io base URL", "postcodesio=" + pcio.srv.URL, "EH1 2NG",
			postcodes.Address{Postcode: "EH1 2NG", Line: "City of Edinburgh, Scotland", Town: "City of Edinburgh",
				Region: "Scotland", Country: "Scotland", Latitude: 55.9486, Longitude: -3.1999}, false},
		{"postcodes.io URL template", "postcodesio@mine=" + pcio.srv.URL + "/postcodes/{postcode}", "EH1 2NG",
			postcodes.Address{Postcode: "EH1 2NG", Line: "City of Edinburgh, Scotland", Town: "City of Edinburgh",
				Region: "Scotland", Country: "Scotland", Latitude: 55.9486, Longitude: -3.1999}, false},
		{"postcodes.io 404 Postcode not found", "postcodesio=" + pcio.srv.URL, "ZE3 9XX", postcodes.Address{}, true},
		{"getthedata base URL: country only", "getthedata=" + gtd.URL, "eh12ng",
			postcodes.Address{Postcode: "EH1 2NG", Line: "Scotland", Country: "Scotland", Latitude: 55.9486, Longitude: -3.1999}, false},
		{"getthedata URL template", "getthedata=" + gtdTemplated.URL + "/v3/lookup/{postcode}", "EH1 2NG",
			postcodes.Address{Postcode: "EH1 2NG", Line: "Scotland", Country: "Scotland", Latitude: 55.9486, Longitude: -3.1999}, false},
		{"getthedata no_match", "getthedata=" + gtd.URL, "ZE3 9XX", postcodes.Address{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseProvider(tc.spec)
			require.NoError(t, err)
			c := New(Config{Providers: []Provider{p}, CallTimeout: testCallTimeout, Budget: testBudget})
			got, err := c.Lookup(context.Background(), tc.postcode)
			if tc.unknown {
				assert.ErrorIs(t, err, ErrUnknownPostcode)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	assert.Contains(t, gtdPath.Load(), "EH1%202NG", "the postcode is path-escaped into the URL")
}

func TestParseProvider(t *testing.T) {
	cases := []struct {
		name, spec, wantName, wantErr string
	}{
		{"embedded", "embedded", "embedded", ""},
		{"postcodes.io default name", "postcodesio=http://127.0.0.1:9/", "postcodesio@127.0.0.1:9", ""},
		{"named getthedata", "getthedata@gtd=https://example.test", "gtd", ""},
		{"template with query", "postcodesio=http://h:1/lookup?pc={postcode}&v=2", "postcodesio@h:1", ""},
		{"no URL", "postcodesio", "", "want embedded"},
		{"unknown kind", "mapit=http://h", "", "unknown kind"},
		{"not http", "postcodesio=ftp://h/", "", "invalid URL"},
		{"no host", "getthedata=http:///x/{postcode}", "", "invalid URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseProvider(tc.spec)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.True(t, strings.Contains(err.Error(), tc.wantErr), err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantName, p.Name())
		})
	}
}

func TestParseProviders(t *testing.T) {
	ps, err := ParseProviders(nil)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "embedded", ps[0].Name())

	ps, err = ParseProviders([]string{"postcodesio=http://127.0.0.1:1", "embedded"})
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Equal(t, []string{"postcodesio@127.0.0.1:1", "embedded"}, []string{ps[0].Name(), ps[1].Name()})

	_, err = ParseProviders([]string{"embedded", "bogus"})
	assert.ErrorContains(t, err, `"bogus"`)
}
