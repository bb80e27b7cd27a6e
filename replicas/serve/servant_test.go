package serve_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
	"concord/postcodes"
	"concord/postcodes/lookup"
	"concord/replicas"
	rdems "concord/replicas/dems"
	rjh "concord/replicas/justhungry"
	"concord/replicas/serve"
)

// serveOn starts an ORB on 127.0.0.1 serving the two services and returns
// a client for the object keys "dems" and "justhungry".
func serveOn(t *testing.T, d, j replicas.Service) (*orb.Client, string) {
	a := orb.NewAdapter()
	a.Register([]byte("dems"), serve.NewServant(d, rdems.RepoIDEventManagement))
	a.Register([]byte("justhungry"), serve.NewServant(j, rjh.RepoIDFoodOrdering))
	srv := orb.NewServer(a, orb.ServerConfig{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c := orb.NewClient(orb.ClientConfig{DialTimeout: 2 * time.Second})
	t.Cleanup(func() { c.Close() })
	return c, ln.Addr().String()
}

// TestGeneratedStubsTalkToTheReplicaLogic drives the replica logic (behind
// the generated skeletons, via Execute) with the generated stubs over real
// GIOP, in every GIOP version: both sides must agree on every byte.
func TestGeneratedStubsTalkToTheReplicaLogic(t *testing.T) {
	web := rjh.LookupFunc(func(_ context.Context, pc string) (postcodes.Address, error) {
		if pc == "SW1A 1AA" {
			return postcodes.NewAddress(pc, "Westminster", "London", "England", 51.501009, -0.141588), nil
		}
		return postcodes.Address{}, &lookup.UnknownError{Postcode: pc}
	})
	c, addr := serveOn(t, rdems.NewService(), rjh.NewService(web))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, version := range []string{"1.0", "1.1", "1.2"} {
		t.Run("GIOP "+version, func(t *testing.T) {
			ref, err := c.StringToObject(fmt.Sprintf("corbaloc:iiop:%s@%s/dems", version, addr))
			require.NoError(t, err)
			em := dems.NewEventManagementStub(ref)
			customer := fmt.Sprintf("QUEC000%d", i)
			b, err := em.BookEvent(ctx, customer, "MTLA100626", dems.Seminars)
			require.NoError(t, err)
			assert.Equal(t, dems.Booking{CustomerId: customer, EventId: "MTLA100626", Type: dems.Seminars}, b)
			_, err = em.BookEvent(ctx, customer, "MTLA100626", dems.Seminars)
			var ee *dems.EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, dems.AlreadyBooked, ee.Reason)
			list, err := em.ListEventAvailability(ctx, "SHEM0001", dems.Seminars)
			require.NoError(t, err)
			assert.Len(t, list, 3*21)
			sw, err := em.SwapEvent(ctx, customer, "MTLM110626", dems.Seminars, "MTLA100626", dems.Seminars)
			require.NoError(t, err)
			assert.Equal(t, "MTLM110626", sw.Booked.EventId)
			_, err = em.ListEventAvailability(ctx, "SHEC0001", dems.Seminars)
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, dems.NotAuthorised, ee.Reason)

			ref, err = c.StringToObject(fmt.Sprintf("corbaloc:iiop:%s@%s/justhungry", version, addr))
			require.NoError(t, err)
			fo := justhungry.NewFoodOrderingStub(ref)
			rs, err := fo.ListRestaurants(ctx)
			require.NoError(t, err)
			require.NotEmpty(t, rs)
			menu, err := fo.GetMenu(ctx, rs[0].Id)
			require.NoError(t, err)
			o, err := fo.PlaceOrder(ctx, "Ada", rs[0].Id, justhungry.OrderLineList{{ItemId: menu.Items[0].Id, Quantity: 2}}, "sw1a1aa", "req-"+version)
			require.NoError(t, err)
			assert.Equal(t, 2*menu.Items[0].Price, o.Total)
			assert.Equal(t, "Westminster", o.DeliveryAddress.District)
			_, err = fo.LookupAddress(ctx, "W1A 0AX")
			var oe *justhungry.OrderError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, justhungry.UnknownPostcode, oe.Reason)
			cancelled, err := fo.CancelOrder(ctx, "Ada", o.Id)
			require.NoError(t, err)
			assert.Equal(t, justhungry.Cancelled, cancelled.Status)
		})
	}
}
