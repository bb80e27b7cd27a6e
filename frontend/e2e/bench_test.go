package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"concord/idl/gen/dems"
	"concord/internal/clustertest"
)

// BenchmarkDEMSBookEvent measures bookEvent through the whole replicated
// pipeline (FE, sequencer, 4 RMs with their replica processes) and on one
// unreplicated replica served directly over GIOP, with the same Go client
// and the same number of concurrent callers, in one run (SPEC §7):
//
//	go test ./frontend/e2e -run '^$' -bench DEMSBookEvent -benchtime 20000x
//
// Each call books a new customer; once an event is full the refusals are
// replicated like bookings. Reported: req/s, p50 and p99 latency.
func BenchmarkDEMSBookEvent(b *testing.B) {
	c := clustertest.Start(b, clustertest.Options{})
	direct, fe := directDEMS(b), demsStub(c)
	var customer atomic.Int64
	for _, callers := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprintf("direct/callers=%d", callers), func(b *testing.B) { bookLoad(b, direct, callers, &customer) })
		b.Run(fmt.Sprintf("replicated/callers=%d", callers), func(b *testing.B) { bookLoad(b, fe, callers, &customer) })
	}
}

// bookLoad makes b.N bookEvent calls from callers goroutines.
func bookLoad(b *testing.B, d *dems.EventManagementStub, callers int, customer *atomic.Int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var next atomic.Int64
	lat := make([][]time.Duration, callers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				id := fmt.Sprintf("MTLC%04d", customer.Add(1)%10000)
				t0 := time.Now()
				_, err := d.BookEvent(ctx, id, "MTLA030626", dems.Conferences)
				lat[g] = append(lat[g], time.Since(t0))
				if ee := (*dems.EventError)(nil); err != nil && !errors.As(err, &ee) {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(0, "ns/op")
}
