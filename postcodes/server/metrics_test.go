package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/postcodes/data"
)

func TestServiceMetrics(t *testing.T) {
	h, err := NewService(data.Sample(), nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	for _, path := range []string{"/postcodes/SW1A1AA", "/postcodes/ZE39XX", "/postcodes/nonsense-1", "/postcodes/nonsense-2",
		"/outcodes/M1", "/no/such/thing"} {
		get(t, srv.URL, path)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	body := string(raw)

	cases := []struct{ name, line string }{
		{"found", MetricRequests + `{code="200",route="/postcodes/{postcode}"} 1`},
		{"not found and invalid share the route label", MetricRequests + `{code="404",route="/postcodes/{postcode}"} 3`},
		{"outcode", MetricRequests + `{code="200",route="/outcodes/{outcode}"} 1`},
		{"unrouted paths are one series", MetricRequests + `{code="404",route="other"} 1`},
		{"data set size", "concord_postcodes_dataset_postcodes " + strconv.Itoa(data.Sample().Len())},
		{"runtime collector", "go_goroutines "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, body, tc.line)
		})
	}
	assert.NotContains(t, body, "nonsense", "raw paths never become labels")
	assert.False(t, strings.Contains(body, `route="/metrics"`), "scrapes are not counted as API requests")
}
