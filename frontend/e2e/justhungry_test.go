package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/idl/gen/justhungry"
	"concord/internal/clustertest"
)

func jhStub(c *clustertest.Cluster) *justhungry.FoodOrderingStub {
	return justhungry.NewFoodOrderingStub(c.Object("JustHungry"))
}

func TestJustHungryOrderEndToEnd(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	j := jhStub(c)
	rs, err := j.ListRestaurants(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(rs), 3)
	menu, err := j.GetMenu(ctx, rs[0].Id)
	require.NoError(t, err)
	item := menu.Items[0]
	o, err := j.PlaceOrder(ctx, "alice", rs[0].Id, justhungry.OrderLineList{{ItemId: item.Id, Quantity: 2}}, "sw1a1aa", "e2e-1")
	require.NoError(t, err)
	assert.Equal(t, 2*item.Price, o.Total)
	assert.Equal(t, "SW1A 1AA", o.DeliveryAddress.Postcode, "address looked up by the embedded postcode service")
	again, err := j.PlaceOrder(ctx, "alice", rs[0].Id, justhungry.OrderLineList{{ItemId: item.Id, Quantity: 2}}, "sw1a1aa", "e2e-1")
	require.NoError(t, err)
	assert.Equal(t, o.Id, again.Id, "the same request id is the same order")
	_, err = j.PlaceOrder(ctx, "bob", rs[0].Id, justhungry.OrderLineList{{ItemId: item.Id, Quantity: 1}}, "ZZ99 9ZZ", "e2e-2")
	var oe *justhungry.OrderError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, justhungry.UnknownPostcode, oe.Reason)
	orders, err := j.GetOrders(ctx, "alice")
	require.NoError(t, err)
	assert.Len(t, orders, 1)
}

func TestJustHungryPrimaryKilledDuringOrdersPlacesEachOnce(t *testing.T) {
	c := clustertest.Start(t, clustertest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	j := jhStub(c)
	rs, err := j.ListRestaurants(ctx)
	require.NoError(t, err)
	menu, err := j.GetMenu(ctx, rs[1].Id)
	require.NoError(t, err)
	item := menu.Items[0]
	stockBefore := item.Stock

	const orders, workers = 120, 4
	var next, done atomic.Int64
	var mu sync.Mutex
	placed := map[string]string{} // request id -> order id
	var failures []error
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= orders {
					return
				}
				reqID := fmt.Sprintf("failover-%d", i)
				o, err := j.PlaceOrder(ctx, fmt.Sprintf("cust%d", w), rs[1].Id,
					justhungry.OrderLineList{{ItemId: item.Id, Quantity: 1}}, "SW1A 1AA", reqID)
				var oe *justhungry.OrderError
				mu.Lock()
				switch {
				case err == nil:
					placed[reqID] = o.Id
				case errors.As(err, &oe) && oe.Reason == justhungry.OutOfStock:
				default:
					failures = append(failures, fmt.Errorf("%s: %w", reqID, err))
				}
				mu.Unlock()
				done.Add(1)
			}
		}()
	}
	require.Eventually(t, func() bool { return done.Load() >= 30 }, 60*time.Second, 5*time.Millisecond)
	c.Kill("rm-21") // the first member of the group is the initial primary
	wg.Wait()
	require.Empty(t, failures, "the client never notices the failover")

	// Audit: each acknowledged order exists exactly once; stock agrees.
	seen := map[string]bool{}
	total := 0
	for w := range workers {
		list, err := j.GetOrders(ctx, fmt.Sprintf("cust%d", w))
		require.NoError(t, err)
		for _, o := range list {
			require.False(t, seen[o.RequestId], "order for %s placed twice", o.RequestId)
			seen[o.RequestId] = true
			total++
		}
	}
	assert.Equal(t, len(placed), total, "orders held == orders acknowledged")
	for reqID := range placed {
		assert.True(t, seen[reqID], "acknowledged order %s is held", reqID)
	}
	after, err := j.GetMenu(ctx, rs[1].Id)
	require.NoError(t, err)
	assert.Equal(t, stockBefore-int32(total), after.Items[0].Stock, "stock reserved once per order")
}
