package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/postcodes/data"
)

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(data.Sample(), nil)) // binds 127.0.0.1:0
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, strings.TrimSpace(string(body))
}

func TestPostcodeLookup(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct{ name, path string }{
		{"canonical", "/postcodes/SW1A%201AA"},
		{"compact lower case", "/postcodes/sw1a1aa"},
		{"padded", "/postcodes/%20SW1A%201AA%20"},
		{"mixed", "/postcodes/Sw1A1aA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := get(t, srv.URL, c.path)
			require.Equal(t, http.StatusOK, status, body)
			var resp PostcodeResponse
			require.NoError(t, json.Unmarshal([]byte(body), &resp))
			assert.Equal(t, 200, resp.Status)
			r := resp.Result
			assert.Equal(t, "SW1A 1AA", r.Postcode)
			assert.Equal(t, "SW1A", r.Outcode)
			assert.Equal(t, "1AA", r.Incode)
			require.NotNil(t, r.AdminDistrict)
			assert.Equal(t, "Westminster", *r.AdminDistrict)
			assert.Equal(t, "London", *r.Region)
			assert.Equal(t, "England", *r.Country)
			assert.Equal(t, 51.501009, *r.Latitude)
			assert.Equal(t, -0.141563, *r.Longitude)
			assert.Nil(t, r.Eastings, "sample data has no grid reference: null as postcodes.io does")
		})
	}
}

func TestPostcodeFieldNames(t *testing.T) {
	srv := newTestServer(t)
	_, body := get(t, srv.URL, "/postcodes/EH12NG")
	var raw struct {
		Status int                        `json:"status"`
		Result map[string]json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &raw))
	for _, f := range []string{"postcode", "quality", "eastings", "northings", "country", "longitude", "latitude",
		"region", "incode", "outcode", "admin_district", "parish", "admin_county", "admin_ward", "parliamentary_constituency"} {
		assert.Contains(t, raw.Result, f)
	}
	assert.JSONEq(t, `"City of Edinburgh"`, string(raw.Result["admin_district"]))
	assert.JSONEq(t, `null`, string(raw.Result["parish"]))
}

func TestNotFoundBodies(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct {
		name, path string
		status     int
		body       string
	}{
		{"unknown postcode", "/postcodes/SW1A%209ZZ", 404, `{"status":404,"error":"Postcode not found"}`},
		{"invalid postcode", "/postcodes/NOTAPOSTCODE", 404, `{"status":404,"error":"Invalid postcode"}`},
		{"outward code only", "/postcodes/SW1A", 404, `{"status":404,"error":"Invalid postcode"}`},
		{"bad inward letters", "/postcodes/SW1A%201CI", 404, `{"status":404,"error":"Invalid postcode"}`},
		{"unknown outcode", "/outcodes/ZE9", 404, `{"status":404,"error":"Outcode not found"}`},
		{"invalid outcode", "/outcodes/12345", 404, `{"status":404,"error":"Outcode not found"}`},
		{"unknown route", "/nope", 404, `{"status":404,"error":"Resource not found"}`},
		{"empty postcode", "/postcodes/", 404, `{"status":404,"error":"Resource not found"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := get(t, srv.URL, c.path)
			assert.Equal(t, c.status, status)
			assert.JSONEq(t, c.body, body)
		})
	}
}

func TestValidate(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct {
		name, pc string
		want     bool
	}{
		{"known", "CF10 3RB", true},
		{"known compact lower", "cf103rb", true},
		{"valid format but unknown", "CF10 9ZZ", false},
		{"invalid format", "CF10 3", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := get(t, srv.URL, "/postcodes/"+url.PathEscape(c.pc)+"/validate")
			assert.Equal(t, 200, status)
			want := `{"status":200,"result":false}`
			if c.want {
				want = `{"status":200,"result":true}`
			}
			assert.JSONEq(t, want, body)
		})
	}
}

func TestOutcode(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct {
		name, path string
		outcode    string
		districts  []string
		lat        float64
	}{
		{"explicit row", "/outcodes/M1", "M1", []string{"Manchester"}, 53.4777},
		{"lower case", "/outcodes/bt1", "BT1", []string{"Belfast"}, 54.6},
		{"padded", "/outcodes/%20eh1%20", "EH1", []string{"City of Edinburgh"}, 55.952},
		{"derived from postcodes", "/outcodes/EX16", "EX16", []string{"Mid Devon"}, 50.90006},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := get(t, srv.URL, c.path)
			require.Equal(t, 200, status, body)
			var resp OutcodeResponse
			require.NoError(t, json.Unmarshal([]byte(body), &resp))
			assert.Equal(t, c.outcode, resp.Result.Outcode)
			assert.Equal(t, c.districts, resp.Result.AdminDistrict)
			require.NotNil(t, resp.Result.Latitude)
			assert.Equal(t, c.lat, *resp.Result.Latitude)
			assert.Contains(t, body, `"parish":[]`, "lists are empty, not null")
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv := newTestServer(t)
	resp, err := http.Post(srv.URL+"/postcodes/SW1A1AA", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.JSONEq(t, `{"status":405,"error":"Method not allowed"}`, string(body))
}

func TestServeAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", NewHandler(data.Sample(), nil), nil, func(a net.Addr) { addrc <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("Serve returned early: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not start")
	}
	status, _ := get(t, "http://"+addr.String(), "/postcodes/BS81TH")
	assert.Equal(t, 200, status)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop")
	}

	err := Serve(context.Background(), "256.0.0.1:0", NewHandler(data.Sample(), nil), nil, nil)
	assert.ErrorContains(t, err, "listen")
}
