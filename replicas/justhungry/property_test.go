package justhungry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"concord/postcodes"
	"concord/postcodes/lookup"
	"concord/replicas"
	"concord/replicas/internal/refmodel"
)

// propWeb is the deterministic web service of the property test.
var propWeb = map[string]refmodel.Address{
	"SW1A 1AA": {Postcode: "SW1A 1AA", Line: "Westminster, London", District: "Westminster", Region: "London",
		Country: "England", Lat: 51.501009, Lon: -0.141588},
	"EC1A 1BB": {Postcode: "EC1A 1BB", Line: "City of London, London", District: "City of London", Region: "London",
		Country: "England", Lat: 51.520195, Lon: -0.097309},
}

const propDown = "M1 1AE" // the service is "down" for this one

func propLookup(pc string) (refmodel.Address, string) {
	if pc == propDown {
		return refmodel.Address{}, "AddressServiceUnavailable"
	}
	if a, ok := propWeb[pc]; ok {
		return a, ""
	}
	return refmodel.Address{}, "UnknownPostcode"
}

var propService = LookupFunc(func(_ context.Context, pc string) (postcodes.Address, error) {
	a, why := propLookup(pc)
	switch why {
	case "UnknownPostcode":
		return postcodes.Address{}, &lookup.UnknownError{Postcode: pc}
	case "AddressServiceUnavailable":
		return postcodes.Address{}, &lookup.UnavailableError{Postcode: pc}
	}
	return postcodes.Address{Postcode: a.Postcode, Line: a.Line, Town: a.District, Region: a.Region,
		Country: a.Country, Latitude: a.Lat, Longitude: a.Lon}, nil
})

type gen struct{ r *rand.Rand }

func (g gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g gen) name() string {
	if g.r.IntN(40) == 0 {
		return " "
	}
	return g.pick("Ada", "Bob", "Cy")
}

func (g gen) next(menus []Menu) (string, []any) {
	switch n := g.r.IntN(100); {
	case n < 5:
		return "listRestaurants", nil
	case n < 12:
		return "getMenu", []any{g.pick("R01", "R02", "R03", "R04", "R05")}
	case n < 17:
		return "lookupAddress", []any{g.pick("sw1a1aa", "EC1A 1BB", "W1A 0AX", propDown, "nope")}
	case n < 65:
		rest := menus[g.r.IntN(len(menus))]
		lines := OrderLineList{}
		for k := g.r.IntN(4); k >= 0; k-- {
			it := rest.Items[g.r.IntN(len(rest.Items))].Id
			if g.r.IntN(30) == 0 {
				it = menus[g.r.IntN(len(menus))].Items[0].Id
			}
			q := int32(1 + g.r.IntN(3))
			if g.r.IntN(15) == 0 {
				q = int32(g.r.IntN(40)) - 5
			}
			lines = append(lines, OrderLine{ItemId: it, Quantity: q})
		}
		if g.r.IntN(40) == 0 {
			lines = OrderLineList{}
		}
		rid := rest.Info.Id
		if g.r.IntN(40) == 0 {
			rid = "R05"
		}
		pc := g.pick("SW1A 1AA", "ec1a1bb", "SW1A 1AA", "W1A 0AX", propDown, "12")
		return "placeOrder", []any{g.name(), rid, lines, pc, fmt.Sprintf("req-%d", g.r.IntN(60))}
	case n < 75:
		return "getOrders", []any{g.name()}
	default:
		return "cancelOrder", []any{g.name(), fmt.Sprintf("ORD%06d", g.r.IntN(30))}
	}
}

func (g gen) encoding() replicas.Encoding {
	return replicas.Encoding{LittleEndian: g.r.IntN(2) == 0, ArgsOffset: uint8(g.r.IntN(8)), ReplyOffset: uint8(g.r.IntN(8)), GIOPMinor: uint8(g.r.IntN(3))}
}

func modelMenus() []refmodel.Restaurant {
	var out []refmodel.Restaurant
	for _, m := range sampleMenus() {
		r := refmodel.Restaurant{ID: m.Info.Id, Name: m.Info.Name, Cuisine: m.Info.Cuisine}
		for _, it := range m.Items {
			r.Items = append(r.Items, refmodel.Item{ID: it.Id, Name: it.Name, Course: int(it.MenuCourse), Price: int(it.Price), Stock: int(it.Stock)})
		}
		out = append(out, r)
	}
	return out
}

func fromModelRestaurant(r refmodel.Restaurant) Menu {
	m := Menu{Info: Restaurant{Id: r.ID, Name: r.Name, Cuisine: r.Cuisine}, Items: MenuItemList{}}
	for _, it := range r.Items {
		m.Items = append(m.Items, MenuItem{Id: it.ID, Name: it.Name, MenuCourse: Course(it.Course), Price: int32(it.Price), Stock: int32(it.Stock)})
	}
	return m
}

func fromModelAddress(a refmodel.Address) Address {
	return Address{Postcode: a.Postcode, Line: a.Line, District: a.District, Region: a.Region, Country: a.Country, Latitude: a.Lat, Longitude: a.Lon}
}

func fromModelOrder(o refmodel.Order) Order {
	out := Order{Id: o.ID, CustomerName: o.Customer, RestaurantId: o.Restaurant, Items: OrderedItemList{},
		Total: int32(o.Total), DeliveryAddress: fromModelAddress(o.Addr), RequestId: o.Req}
	if o.Cancelled {
		out.Status = Cancelled
	}
	for _, l := range o.Lines {
		out.Items = append(out.Items, OrderedItem{ItemId: l.Item, Name: l.Name, Quantity: int32(l.Qty), UnitPrice: int32(l.Unit), LineTotal: int32(l.LineTotal)})
	}
	return out
}

func model(m *refmodel.JustHungry, op string, a []any) (any, *ReasonCode) {
	var v any
	var why string
	switch op {
	case "listRestaurants":
		l := RestaurantList{}
		for _, r := range m.List() {
			l = append(l, Restaurant{Id: r.ID, Name: r.Name, Cuisine: r.Cuisine})
		}
		v = l
	case "getMenu":
		var r refmodel.Restaurant
		r, why = m.Menu(a[0].(string))
		v = fromModelRestaurant(r)
	case "lookupAddress":
		var addr refmodel.Address
		addr, why = m.LookupAddress(a[0].(string), propLookup)
		v = fromModelAddress(addr)
	case "placeOrder":
		var items [][2]any
		for _, l := range a[2].(OrderLineList) {
			items = append(items, [2]any{l.ItemId, int(l.Quantity)})
		}
		var o refmodel.Order
		o, why = m.Place(a[0].(string), a[1].(string), items, a[3].(string), a[4].(string), propLookup)
		v = fromModelOrder(o)
	case "getOrders":
		l := OrderList{}
		for _, o := range m.OrdersOf(a[0].(string)) {
			l = append(l, fromModelOrder(o))
		}
		v = l
	case "cancelOrder":
		var o refmodel.Order
		o, why = m.Cancel(a[0].(string), a[1].(string))
		v = fromModelOrder(o)
	}
	if why == "" {
		return v, nil
	}
	for rc := ReasonCode(0); rc < reasonCodeCount; rc++ {
		if rc.String() == why {
			return nil, &rc
		}
	}
	panic("model gave unknown reason " + why)
}

// TestReplicasAgreeWithEachOtherAndTheModel: a primary and a second primary
// (both asking the same deterministic web service), a backup replaying the
// primary's Inputs, and a backup restored from the primary's snapshot half
// way all give byte-identical replies and digests; every decoded reply
// matches the reference model.
func TestReplicasAgreeWithEachOtherAndTheModel(t *testing.T) {
	seeds, steps := 120, 400
	if testing.Short() {
		seeds = 15
	}
	forbidden := LookupFunc(func(context.Context, string) (postcodes.Address, error) {
		t.Fatal("a backup called the web service")
		return postcodes.Address{}, nil
	})
	menus := sampleMenus()
	for seed := 1; seed <= seeds; seed++ {
		g := gen{rand.New(rand.NewPCG(uint64(seed), 7))}
		primary, twin := NewReplica(NewSampleState(), propService), NewReplica(NewSampleState(), propService)
		backup := NewReplica(NewSampleState(), forbidden)
		var restored *Replica
		m := &refmodel.JustHungry{Restaurants: modelMenus()}
		refusals := 0
		for i := 0; i < steps; i++ {
			if i == steps/2 {
				restored = NewReplica(NewState(nil), forbidden)
				require.NoError(t, restored.Restore(primary.Snapshot()))
			}
			op, args := g.next(menus)
			enc := g.encoding()
			req := request(enc, op, args...)
			rp := primary.Execute(req)
			require.Equal(t, rp, twin.Execute(req), "seed %d step %d %s%v", seed, i, op, args)
			req.Inputs = rp.Inputs
			require.Equal(t, rp, backup.Execute(req), "backup, seed %d step %d %s%v", seed, i, op, args)
			if restored != nil {
				require.Equal(t, rp, restored.Execute(req), "restored, seed %d step %d", seed, i)
			}
			got, err := decodeReply(enc, op, rp)
			want, why := model(m, op, args)
			if why != nil {
				refusals++
				var oe *OrderError
				require.ErrorAs(t, err, &oe, "seed %d step %d %s%v: model refuses %v", seed, i, op, args, *why)
				require.Equal(t, *why, oe.Reason, "seed %d step %d %s%v: %s", seed, i, op, args, oe.Message)
				continue
			}
			require.NoError(t, err, "seed %d step %d %s%v", seed, i, op, args)
			require.Equal(t, want, got, "seed %d step %d %s%v", seed, i, op, args)
		}
		for _, r := range []*Replica{twin, backup, restored} {
			require.Equal(t, primary.Digest(), r.Digest())
		}
		require.Less(t, refusals, steps*9/10, "the generator must also produce successes")
	}
}
