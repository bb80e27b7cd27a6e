package e2e

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/gen/justhungry"
	"concord/internal/clustertest"
)

// lookupCounter is a reverse proxy in front of the postcode service that
// counts the lookups of each postcode path and says when one was answered.
type lookupCounter struct {
	mu       sync.Mutex
	calls    map[string]int
	answered chan string // path of each answered lookup
}

func newLookupCounter(t *testing.T) (*lookupCounter, func(string) string) {
	lc := &lookupCounter{calls: map[string]int{}, answered: make(chan string, 64)}
	front := func(backend string) string {
		u, err := url.Parse(backend)
		require.NoError(t, err)
		proxy := httputil.NewSingleHostReverseProxy(u)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lc.mu.Lock()
			lc.calls[r.URL.Path]++
			lc.mu.Unlock()
			proxy.ServeHTTP(w, r)
			lc.answered <- r.URL.Path
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	return lc, front
}

func (lc *lookupCounter) snapshot() map[string]int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return maps.Clone(lc.calls)
}

// count returns how many requests asked for a path containing postcode
// (decoded paths, spaces removed, any case).
func (lc *lookupCounter) count(postcode string) int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	key := strings.ToUpper(strings.ReplaceAll(postcode, " ", ""))
	n := 0
	for p, c := range lc.calls {
		if strings.Contains(strings.ToUpper(strings.ReplaceAll(p, " ", "")), key) {
			n += c
		}
	}
	return n
}

// TestJustHungryPrimaryKilledAfterTheLookupLooksUpOnce: the primary's
// replica is slowed down, so it is still executing an order when its
// address lookup has long been answered; the primary RM is then killed.
// The front end fails over, the new primary places the order with the
// address the old one looked up (its backups recorded it before the
// execution began): the order is placed once and the postcode service
// was asked once.
func TestJustHungryPrimaryKilledAfterTheLookupLooksUpOnce(t *testing.T) {
	lc, front := newLookupCounter(t)
	c := clustertest.Start(t, clustertest.Options{PostcodesFront: front})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	j := jhStub(c)
	rs, err := j.ListRestaurants(ctx)
	require.NoError(t, err)
	menu, err := j.GetMenu(ctx, rs[2].Id)
	require.NoError(t, err)
	item := menu.Items[0]

	// Without a failure: one lookup per order.
	_, err = j.PlaceOrder(ctx, "dave", rs[2].Id, justhungry.OrderLineList{{ItemId: item.Id, Quantity: 1}}, "M13 9PL", "lookup-once-0")
	require.NoError(t, err)
	require.Equal(t, 1, lc.count("M13 9PL"), "calls: %v", lc.snapshot())
	<-lc.answered
	item.Stock--

	out, err := faultCmd(t, c, "--rm", "21", "--mode", "slow:4s")
	require.NoError(t, err, out)
	const postcode = "EH1 2NG"
	require.Zero(t, lc.count(postcode))

	type result struct {
		o   justhungry.Order
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		o, err := j.PlaceOrder(ctx, "carol", rs[2].Id, justhungry.OrderLineList{{ItemId: item.Id, Quantity: 1}}, postcode, "lookup-once-1")
		done <- result{o, err}
	}()
	select {
	case p := <-lc.answered:
		t.Logf("lookup %s answered after %v", p, time.Since(start))
	case <-time.After(20 * time.Second):
		t.Fatal("the primary never looked the address up")
	}
	// The replica now holds the order for 4s; the backups recorded the
	// address a few milliseconds after the answer.
	time.Sleep(300 * time.Millisecond)
	c.Kill("rm-21")
	t.Logf("primary rm-21 killed %v after the order was sent", time.Since(start))

	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		t.Fatal("the order was never answered")
	}
	require.NoError(t, r.err)
	assert.Equal(t, "EH1 2NG", r.o.DeliveryAddress.Postcode)
	assert.NotEmpty(t, r.o.DeliveryAddress.District, "the looked-up address, not an empty one")
	t.Logf("order %s answered %v after it was sent", r.o.Id, time.Since(start))

	orders, err := j.GetOrders(ctx, "carol")
	require.NoError(t, err)
	require.Len(t, orders, 1, "the order is placed once")
	assert.Equal(t, r.o.Id, orders[0].Id)
	menuAfter, err := j.GetMenu(ctx, rs[2].Id)
	require.NoError(t, err)
	assert.Equal(t, item.Stock-1, menuAfter.Items[0].Stock, "stock taken once")
	assert.Equal(t, 1, lc.count(postcode), "the address is looked up once; calls: %v", lc.snapshot())
}
