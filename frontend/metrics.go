package frontend

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the FE's Prometheus metrics.
type Metrics struct {
	reg           *prometheus.Registry
	Requests      *prometheus.CounterVec   // service, outcome
	Votes         *prometheus.CounterVec   // result
	Disagreements *prometheus.CounterVec   // replica
	Timeouts      *prometheus.CounterVec   // replica
	Failovers     *prometheus.CounterVec   // service
	Latency       *prometheus.HistogramVec // service
	ReplyLag      prometheus.Histogram
	CrashTimeout  prometheus.Gauge
	Outstanding   prometheus.Gauge
	Retransmits   prometheus.Counter
	SubmitFailed  prometheus.Counter
	LateReplies   prometheus.Counter
	Dropped       *prometheus.CounterVec // reason
}

// NewMetrics registers the metrics in reg (a fresh registry if nil).
func NewMetrics(reg *prometheus.Registry) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	lat := []float64{.0001, .00025, .0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	m := &Metrics{reg: reg,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_fe_requests_total",
			Help: "Client requests forwarded, by service and outcome."}, []string{"service", "outcome"}),
		Votes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_fe_votes_total",
			Help: "Finished votes, by result (agreed, no_agreement)."}, []string{"result"}),
		Disagreements: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_fe_disagreements_total",
			Help: "Replies that differed from the agreed answer, by replica."}, []string{"replica"}),
		Timeouts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_fe_timeouts_total",
			Help: "Replies missing at the crash timeout, by replica."}, []string{"replica"}),
		Failovers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_fe_failovers_total",
			Help: "Primaries suspected (passive replication), by service."}, []string{"service"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "concord_fe_request_seconds",
			Help: "Time from a client request to its answer, by service.", Buckets: lat}, []string{"service"}),
		ReplyLag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "concord_fe_reply_lag_seconds",
			Help: "Delay of each replica's reply after the first one.", Buckets: lat}),
		CrashTimeout: prometheus.NewGauge(prometheus.GaugeOpts{Name: "concord_fe_crash_timeout_seconds",
			Help: "Current adaptive crash timeout."}),
		Outstanding: prometheus.NewGauge(prometheus.GaugeOpts{Name: "concord_fe_outstanding_requests",
			Help: "Requests being voted on."}),
		Retransmits: prometheus.NewCounter(prometheus.CounterOpts{Name: "concord_fe_retransmits_total",
			Help: "Requests resent to the sequencer."}),
		SubmitFailed: prometheus.NewCounter(prometheus.CounterOpts{Name: "concord_fe_submit_failures_total",
			Help: "Requests the sequencer never acknowledged."}),
		LateReplies: prometheus.NewCounter(prometheus.CounterOpts{Name: "concord_fe_late_replies_total",
			Help: "Replies for requests no longer being voted on."}),
		Dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_fe_dropped_datagrams_total",
			Help: "Datagrams refused, by reason."}, []string{"reason"}),
	}
	reg.MustRegister(m.Requests, m.Votes, m.Disagreements, m.Timeouts, m.Failovers, m.Latency,
		m.ReplyLag, m.CrashTimeout, m.Outstanding, m.Retransmits, m.SubmitFailed, m.LateReplies, m.Dropped)
	return m
}

// Registry returns the registry the metrics live in.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func replicaLabel(id uint32) string { return fmt.Sprint(id) }
