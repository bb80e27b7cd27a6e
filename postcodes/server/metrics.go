package server

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"concord/postcodes/data"
)

// MetricRequests counts the API's requests by route pattern and status.
const MetricRequests = "concord_postcodes_http_requests_total"

// MetricDuration is the API's request latency by route pattern.
const MetricDuration = "concord_postcodes_http_request_duration_seconds"

// NewService is the whole embedded web service: the postcodes.io-compatible
// API (NewHandler), measured, plus GET /metrics in the Prometheus text
// format, with the process and Go runtime collectors alongside.
func NewService(ds *data.Dataset, log *slog.Logger) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	dsSize := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "concord_postcodes_dataset_postcodes",
		Help: "Full postcodes in the served data set.",
	}, func() float64 { return float64(ds.Len()) })
	if err := reg.Register(dsSize); err != nil {
		return nil, err
	}
	api, err := Instrument(NewHandler(ds, log), reg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(handlerOf(log), slog.LevelWarn)}))
	mux.Handle("/", api)
	return mux, nil
}

func handlerOf(log *slog.Logger) slog.Handler {
	if log == nil {
		return slog.DiscardHandler
	}
	return log.Handler()
}

// Instrument counts h's requests on reg. The route label is the ServeMux
// pattern that matched ("/postcodes/{postcode}"), never the raw path, so
// arbitrary client input cannot blow up the number of series.
func Instrument(h http.Handler, reg prometheus.Registerer) (http.Handler, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricRequests,
		Help: "Requests to the postcode API by route pattern and HTTP status.",
	}, []string{"route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricDuration,
		Help:    "Postcode API request latency by route pattern.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .5},
	}, []string{"route"})
	for _, c := range []prometheus.Collector{requests, duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		// The inner ServeMux records the pattern it matched on r.
		route := r.Pattern
		if route == "" || route == "/" {
			route = "other"
		}
		requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	}), nil
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
