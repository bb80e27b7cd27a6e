package justhungry

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeResolve knows two postcodes and counts its calls; "SW1A 2AA" is a
// valid postcode the service says does not exist.
type fakeResolve struct {
	calls       int
	unavailable bool
}

var addrSW1A1AA = Address{Postcode: "SW1A 1AA", Line: "Westminster, London", District: "Westminster",
	Region: "London", Country: "England", Latitude: 51.501009, Longitude: -0.141588}

func (f *fakeResolve) resolve(pc string) (Address, error) {
	f.calls++
	if f.unavailable {
		return Address{}, errorf(AddressServiceUnavailable, "down")
	}
	if pc == addrSW1A1AA.Postcode {
		return addrSW1A1AA, nil
	}
	return Address{}, errorf(UnknownPostcode, "no %s", pc)
}

func refused(r ReasonCode) *ReasonCode { return &r }

type ruleCase struct {
	name   string
	setup  func(t *testing.T, s *State, f *fakeResolve)
	run    func(s *State, f *fakeResolve) (any, error)
	want   any
	reason *ReasonCode
	calls  int // lookups expected during run
}

func mustOrder(t *testing.T, s *State, f *fakeResolve, name, rid string, lines OrderLineList, req string) Order {
	t.Helper()
	o, err := s.PlaceOrder(name, rid, lines, "sw1a1aa", req, f.resolve)
	require.NoError(t, err)
	return o
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := NewSampleState(), &fakeResolve{}
			if tc.setup != nil {
				tc.setup(t, s, f)
			}
			before := s.Snapshot()
			f.calls = 0
			got, err := tc.run(s, f)
			assert.Equal(t, tc.calls, f.calls, "address lookups")
			if tc.reason != nil {
				var oe *OrderError
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, *tc.reason, oe.Reason, "message: %s", oe.Message)
				assert.NotEmpty(t, oe.Message)
				assert.Equal(t, before, s.Snapshot(), "a refusal must change nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func stockOf(t *testing.T, s *State, restaurant, item string) int32 {
	t.Helper()
	m, err := s.GetMenu(restaurant)
	require.NoError(t, err)
	for _, it := range m.Items {
		if it.Id == item {
			return it.Stock
		}
	}
	t.Fatalf("no item %s", item)
	return 0
}

var firstOrder = Order{
	Id: "ORD000001", CustomerName: "Ada", RestaurantId: "R02",
	Items: OrderedItemList{
		{ItemId: "R02-M1", Name: "Margherita pizza", Quantity: 2, UnitPrice: 1050, LineTotal: 2100},
		{ItemId: "R02-D1", Name: "Tiramisu", Quantity: 1, UnitPrice: 595, LineTotal: 595},
	},
	Total: 2695, Status: Placed, DeliveryAddress: addrSW1A1AA, RequestId: "req-1",
}

var firstLines = OrderLineList{{ItemId: "R02-M1", Quantity: 2}, {ItemId: "R02-D1", Quantity: 1}}

func TestMenusAndAddresses(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "restaurants by id", run: func(s *State, _ *fakeResolve) (any, error) { return s.ListRestaurants(), nil },
			want: RestaurantList{{Id: "R01", Name: "The Golden Wok", Cuisine: "Chinese"}, {Id: "R02", Name: "Bella Napoli", Cuisine: "Italian"},
				{Id: "R03", Name: "Spice Route", Cuisine: "Indian"}, {Id: "R04", Name: "The Green Fork", Cuisine: "Vegetarian"}}},
		{name: "menu", run: func(s *State, _ *fakeResolve) (any, error) { return s.GetMenu("R04") },
			want: Menu{Info: Restaurant{Id: "R04", Name: "The Green Fork", Cuisine: "Vegetarian"}, Items: sampleMenus()[3].Items}},
		{name: "menu shows reserved stock", setup: func(t *testing.T, s *State, f *fakeResolve) {
			mustOrder(t, s, f, "Ada", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 2}}, "r")
		}, run: func(s *State, _ *fakeResolve) (any, error) {
			m, err := s.GetMenu("R04")
			return m.Items[4], err
		}, want: MenuItem{Id: "R04-D2", Name: "Lemon sorbet", MenuCourse: Dessert, Price: 395, Stock: 1}},
		{name: "unknown restaurant menu", reason: refused(UnknownRestaurant),
			run: func(s *State, _ *fakeResolve) (any, error) { return s.GetMenu("R9") }},
		{name: "lookup normalises", calls: 1, want: addrSW1A1AA,
			run: func(s *State, f *fakeResolve) (any, error) { return s.LookupAddress(" sw1a 1aa", f.resolve) }},
		{name: "lookup malformed postcode: no call", reason: refused(UnknownPostcode),
			run: func(s *State, f *fakeResolve) (any, error) { return s.LookupAddress("12345", f.resolve) }},
		{name: "lookup unknown postcode", reason: refused(UnknownPostcode), calls: 1,
			run: func(s *State, f *fakeResolve) (any, error) { return s.LookupAddress("SW1A 2AA", f.resolve) }},
		{name: "lookup service down", reason: refused(AddressServiceUnavailable), calls: 1,
			run: func(s *State, f *fakeResolve) (any, error) {
				f.unavailable = true
				return s.LookupAddress("SW1A 1AA", f.resolve)
			}},
	})
}

func TestPlaceOrder(t *testing.T) {
	place := func(name, rid string, lines OrderLineList, pc, req string) func(s *State, f *fakeResolve) (any, error) {
		return func(s *State, f *fakeResolve) (any, error) { return s.PlaceOrder(name, rid, lines, pc, req, f.resolve) }
	}
	placedFirst := func(t *testing.T, s *State, f *fakeResolve) { mustOrder(t, s, f, "Ada", "R02", firstLines, "req-1") }
	runRules(t, []ruleCase{
		{name: "places", calls: 1, run: place("Ada", "R02", firstLines, "SW1A 1AA", "req-1"), want: firstOrder},
		{name: "reserves stock", calls: 1, run: func(s *State, f *fakeResolve) (any, error) {
			_, err := s.PlaceOrder("Ada", "R02", firstLines, "SW1A 1AA", "req-1", f.resolve)
			return []int32{stockOf(t, s, "R02", "R02-M1"), stockOf(t, s, "R02", "R02-D1")}, err
		}, want: []int32{33, 17}},
		{name: "all remaining stock", calls: 1, run: func(s *State, f *fakeResolve) (any, error) {
			_, err := s.PlaceOrder("Ada", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 3}}, "SW1A 1AA", "r", f.resolve)
			return stockOf(t, s, "R04", "R04-D2"), err
		}, want: int32(0)},
		{name: "retry returns the same order, no lookup, no new stock", setup: placedFirst,
			run: func(s *State, f *fakeResolve) (any, error) {
				o, err := s.PlaceOrder("Ada", "R02", firstLines, "sw1a 1aa", "req-1", f.resolve)
				return []any{o, stockOf(t, s, "R02", "R02-M1"), len(s.GetOrders("Ada"))}, err
			}, want: []any{firstOrder, int32(33), 1}},
		{name: "retry after cancel gives the original reply", setup: func(t *testing.T, s *State, f *fakeResolve) {
			placedFirst(t, s, f)
			_, err := s.CancelOrder("Ada", "ORD000001")
			require.NoError(t, err)
		}, run: place("Ada", "R02", firstLines, "SW1A 1AA", "req-1"), want: firstOrder},
		{name: "request id reused for another order", reason: refused(InvalidRequest), setup: placedFirst,
			run: place("Ada", "R02", OrderLineList{{ItemId: "R02-M1", Quantity: 3}, {ItemId: "R02-D1", Quantity: 1}}, "SW1A 1AA", "req-1")},
		{name: "request id reused by another customer", reason: refused(InvalidRequest), setup: placedFirst,
			run: place("Bob", "R02", firstLines, "SW1A 1AA", "req-1")},
		{name: "unknown restaurant", reason: refused(UnknownRestaurant), run: place("Ada", "R05", firstLines, "SW1A 1AA", "r")},
		{name: "item of another restaurant", reason: refused(UnknownItem), run: place("Ada", "R01", firstLines, "SW1A 1AA", "r")},
		{name: "out of stock", reason: refused(OutOfStock), run: place("Ada", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 4}}, "SW1A 1AA", "r")},
		{name: "out of stock after another order", reason: refused(OutOfStock),
			setup: func(t *testing.T, s *State, f *fakeResolve) {
				mustOrder(t, s, f, "Bob", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 2}}, "b")
			},
			run: place("Ada", "R04", OrderLineList{{ItemId: "R04-M1", Quantity: 1}, {ItemId: "R04-D2", Quantity: 2}}, "SW1A 1AA", "r")},
		{name: "zero quantity", reason: refused(InvalidQuantity), run: place("Ada", "R02", OrderLineList{{ItemId: "R02-M1", Quantity: 0}}, "SW1A 1AA", "r")},
		{name: "negative quantity", reason: refused(InvalidQuantity), run: place("Ada", "R02", OrderLineList{{ItemId: "R02-M1", Quantity: -1}}, "SW1A 1AA", "r")},
		{name: "huge quantity", reason: refused(InvalidQuantity), run: place("Ada", "R02", OrderLineList{{ItemId: "R02-M1", Quantity: 1 << 30}}, "SW1A 1AA", "r")},
		{name: "item twice", reason: refused(InvalidRequest), run: place("Ada", "R02", OrderLineList{{ItemId: "R02-M1", Quantity: 1}, {ItemId: "R02-M1", Quantity: 1}}, "SW1A 1AA", "r")},
		{name: "no items", reason: refused(InvalidRequest), run: place("Ada", "R02", OrderLineList{}, "SW1A 1AA", "r")},
		{name: "empty name", reason: refused(InvalidRequest), run: place(" ", "R02", firstLines, "SW1A 1AA", "r")},
		{name: "empty request id", reason: refused(InvalidRequest), run: place("Ada", "R02", firstLines, "SW1A 1AA", "")},
		{name: "malformed postcode: no lookup", reason: refused(UnknownPostcode), run: place("Ada", "R02", firstLines, "NOPE", "r")},
		{name: "unknown postcode", reason: refused(UnknownPostcode), calls: 1, run: place("Ada", "R02", firstLines, "SW1A 2AA", "r")},
		{name: "service down", reason: refused(AddressServiceUnavailable), calls: 1, run: func(s *State, f *fakeResolve) (any, error) {
			f.unavailable = true
			return s.PlaceOrder("Ada", "R02", firstLines, "SW1A 1AA", "r", f.resolve)
		}},
		{name: "out of stock checked before the lookup", reason: refused(OutOfStock),
			run: place("Ada", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 9}}, "SW1A 2AA", "r")},
	})
}

func TestOrdersAndCancel(t *testing.T) {
	two := func(t *testing.T, s *State, f *fakeResolve) {
		mustOrder(t, s, f, "Ada", "R02", firstLines, "req-1")
		mustOrder(t, s, f, "Bob", "R04", OrderLineList{{ItemId: "R04-D2", Quantity: 3}}, "req-2")
		mustOrder(t, s, f, "Ada", "R04", OrderLineList{{ItemId: "R04-M1", Quantity: 1}}, "req-3")
	}
	cancel := func(name, id string) func(s *State, f *fakeResolve) (any, error) {
		return func(s *State, f *fakeResolve) (any, error) { return s.CancelOrder(name, id) }
	}
	cancelled := firstOrder
	cancelled.Status = Cancelled
	runRules(t, []ruleCase{
		{name: "orders of one customer, oldest first", setup: two, run: func(s *State, _ *fakeResolve) (any, error) {
			var ids []string
			for _, o := range s.GetOrders("Ada") {
				ids = append(ids, o.Id)
			}
			return ids, nil
		}, want: []string{"ORD000001", "ORD000003"}},
		{name: "no orders", run: func(s *State, _ *fakeResolve) (any, error) { return s.GetOrders("Nobody"), nil }, want: OrderList{}},
		{name: "cancel", setup: two, run: cancel("Ada", "ORD000001"), want: cancelled},
		{name: "cancel restores stock", setup: two, run: func(s *State, _ *fakeResolve) (any, error) {
			_, err := s.CancelOrder("Bob", "ORD000002")
			return stockOf(t, s, "R04", "R04-D2"), err
		}, want: int32(3)},
		{name: "cancelled order listed as cancelled", setup: two, run: func(s *State, _ *fakeResolve) (any, error) {
			_, err := s.CancelOrder("Ada", "ORD000001")
			return s.GetOrders("Ada")[0].Status, err
		}, want: Cancelled},
		{name: "someone else's order", reason: refused(NotYourOrder), setup: two, run: cancel("Bob", "ORD000001")},
		{name: "unknown order", reason: refused(UnknownOrder), setup: two, run: cancel("Ada", "ORD000004")},
		{name: "malformed order id", reason: refused(UnknownOrder), setup: two, run: cancel("Ada", "ORD00000x")},
		{name: "order zero", reason: refused(UnknownOrder), setup: two, run: cancel("Ada", "ORD000000")},
		{name: "twice", reason: refused(AlreadyCancelled), setup: func(t *testing.T, s *State, f *fakeResolve) {
			two(t, s, f)
			_, err := s.CancelOrder("Ada", "ORD000001")
			require.NoError(t, err)
		}, run: cancel("Ada", "ORD000001")},
	})
}
