package justhungry

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"concord/postcodes"
)

// Bounds on what a request may carry; they keep orders and snapshots small
// and every total within an IDL long.
const (
	MaxNameLen     = 64
	MaxRequestID   = 64
	MaxOrderLines  = 50
	MaxQuantity    = 1000
	maxOrdersTotal = 999999 // order ids have six digits
)

// restaurant is one restaurant's menu with its current stock.
type restaurant struct {
	info  Restaurant
	items []MenuItem // menu order
}

func (r *restaurant) item(id string) (int, bool) {
	for i := range r.items {
		if r.items[i].Id == id {
			return i, true
		}
	}
	return -1, false
}

// State is one replica's Just Hungry state. Not safe for concurrent use.
type State struct {
	restaurants []*restaurant  // ascending id
	orders      []Order        // order i has id orderID(i)
	placed      map[string]int // request id -> index in orders (derived)
}

// NewState returns a state with the given menus and no orders.
func NewState(menus []Menu) *State {
	s := &State{placed: map[string]int{}}
	for _, m := range menus {
		s.restaurants = append(s.restaurants, &restaurant{info: m.Info, items: append([]MenuItem(nil), m.Items...)})
	}
	sort.Slice(s.restaurants, func(i, j int) bool { return s.restaurants[i].info.Id < s.restaurants[j].info.Id })
	return s
}

// NewSampleState returns the state every replica starts from.
func NewSampleState() *State { return NewState(sampleMenus()) }

func orderID(i int) string { return fmt.Sprintf("ORD%06d", i+1) }

// orderIndex parses an order id; -1 if it names no order.
func (s *State) orderIndex(id string) int {
	var n int
	if len(id) != 9 || !strings.HasPrefix(id, "ORD") {
		return -1
	}
	for _, c := range id[3:] {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 || n > len(s.orders) {
		return -1
	}
	return n - 1
}

func (s *State) restaurant(id string) (*restaurant, *OrderError) {
	i := sort.Search(len(s.restaurants), func(i int) bool { return s.restaurants[i].info.Id >= id })
	if i == len(s.restaurants) || s.restaurants[i].info.Id != id {
		return nil, errorf(UnknownRestaurant, "no restaurant %q", id)
	}
	return s.restaurants[i], nil
}

// ListRestaurants lists every restaurant by id.
func (s *State) ListRestaurants() RestaurantList {
	out := make(RestaurantList, len(s.restaurants))
	for i, r := range s.restaurants {
		out[i] = r.info
	}
	return out
}

// GetMenu returns a restaurant's menu with current stock.
func (s *State) GetMenu(restaurantId string) (Menu, error) {
	r, err := s.restaurant(restaurantId)
	if err != nil {
		return Menu{}, err
	}
	return Menu{Info: r.info, Items: append(MenuItemList{}, r.items...)}, nil
}

// normalise checks a postcode's format; a malformed one never reaches the
// web service (that is decided here, deterministically).
func normalise(postcode string) (string, *OrderError) {
	pc, err := postcodes.Normalise(postcode)
	if err != nil {
		return "", errorf(UnknownPostcode, "%q is not a UK postcode", postcode)
	}
	return pc, nil
}

// LookupAddress resolves a postcode.
func (s *State) LookupAddress(postcode string, resolve Resolve) (Address, error) {
	pc, err := normalise(postcode)
	if err != nil {
		return Address{}, err
	}
	return resolve(pc)
}

// PlaceOrder checks the request, looks the address up, reserves the stock
// and records the order. A request id already used for the same order gets
// that order back without running again (a retry); used for a different
// order it is refused.
func (s *State) PlaceOrder(customerName, restaurantId string, lines OrderLineList, postcode, requestId string, resolve Resolve) (Order, error) {
	if err := checkText("customer name", customerName, MaxNameLen); err != nil {
		return Order{}, err
	}
	if err := checkText("request id", requestId, MaxRequestID); err != nil {
		return Order{}, err
	}
	if i, ok := s.placed[requestId]; ok {
		return s.retry(i, customerName, restaurantId, lines, postcode)
	}
	r, err := s.restaurant(restaurantId)
	if err != nil {
		return Order{}, err
	}
	items, total, err := price(r, lines)
	if err != nil {
		return Order{}, err
	}
	pc, err := normalise(postcode)
	if err != nil {
		return Order{}, err
	}
	if len(s.orders) >= maxOrdersTotal {
		return Order{}, errorf(InvalidRequest, "the order book is full")
	}
	addr, rerr := resolve(pc)
	if rerr != nil {
		return Order{}, rerr
	}
	for _, l := range lines {
		j, _ := r.item(l.ItemId)
		r.items[j].Stock -= l.Quantity
	}
	o := Order{
		Id: orderID(len(s.orders)), CustomerName: customerName, RestaurantId: restaurantId,
		Items: items, Total: total, Status: Placed, DeliveryAddress: addr, RequestId: requestId,
	}
	s.placed[requestId] = len(s.orders)
	s.orders = append(s.orders, o)
	return cloneOrder(o), nil
}

// retry answers a repeated request id with the order as it was placed.
func (s *State) retry(i int, customerName, restaurantId string, lines OrderLineList, postcode string) (Order, error) {
	o := cloneOrder(s.orders[i])
	pc, _ := postcodes.Normalise(postcode)
	same := o.CustomerName == customerName && o.RestaurantId == restaurantId &&
		pc == o.DeliveryAddress.Postcode && len(lines) == len(o.Items)
	for k := 0; same && k < len(lines); k++ {
		same = lines[k].ItemId == o.Items[k].ItemId && lines[k].Quantity == o.Items[k].Quantity
	}
	if !same {
		return Order{}, errorf(InvalidRequest, "request id %q was used for order %s with different details", o.RequestId, o.Id)
	}
	o.Status = Placed // the same reply as the first time, even if cancelled since
	return o, nil
}

// price checks the order lines against the menu and stock.
func price(r *restaurant, lines OrderLineList) (OrderedItemList, int32, *OrderError) {
	if len(lines) == 0 || len(lines) > MaxOrderLines {
		return nil, 0, errorf(InvalidRequest, "an order needs 1 to %d lines, not %d", MaxOrderLines, len(lines))
	}
	items := make(OrderedItemList, 0, len(lines))
	var total int64
	for k, l := range lines {
		j, ok := r.item(l.ItemId)
		if !ok {
			return nil, 0, errorf(UnknownItem, "%s has no item %q", r.info.Name, l.ItemId)
		}
		for _, prev := range lines[:k] {
			if prev.ItemId == l.ItemId {
				return nil, 0, errorf(InvalidRequest, "item %q appears twice; give one line with the total quantity", l.ItemId)
			}
		}
		if l.Quantity < 1 || l.Quantity > MaxQuantity {
			return nil, 0, errorf(InvalidQuantity, "quantity %d of %q: must be 1 to %d", l.Quantity, l.ItemId, MaxQuantity)
		}
		it := r.items[j]
		if l.Quantity > it.Stock {
			return nil, 0, errorf(OutOfStock, "%s: %d left, %d wanted", it.Name, it.Stock, l.Quantity)
		}
		line := int64(it.Price) * int64(l.Quantity)
		total += line
		if total > math.MaxInt32 {
			return nil, 0, errorf(InvalidQuantity, "the order total does not fit")
		}
		items = append(items, OrderedItem{ItemId: it.Id, Name: it.Name, Quantity: l.Quantity, UnitPrice: it.Price, LineTotal: int32(line)})
	}
	return items, int32(total), nil
}

func checkText(what, v string, max int) *OrderError {
	if strings.TrimSpace(v) == "" {
		return errorf(InvalidRequest, "%s is empty", what)
	}
	if len(v) > max {
		return errorf(InvalidRequest, "%s is longer than %d bytes", what, max)
	}
	return nil
}

// GetOrders lists a customer's orders, oldest first.
func (s *State) GetOrders(customerName string) OrderList {
	out := OrderList{}
	for _, o := range s.orders {
		if o.CustomerName == customerName {
			out = append(out, cloneOrder(o))
		}
	}
	return out
}

// CancelOrder cancels a placed order of this customer and restores stock.
func (s *State) CancelOrder(customerName, orderId string) (Order, error) {
	i := s.orderIndex(orderId)
	if i < 0 {
		return Order{}, errorf(UnknownOrder, "no order %q", orderId)
	}
	o := &s.orders[i]
	if o.CustomerName != customerName {
		return Order{}, errorf(NotYourOrder, "order %s belongs to another customer", orderId)
	}
	if o.Status == Cancelled {
		return Order{}, errorf(AlreadyCancelled, "order %s is already cancelled", orderId)
	}
	r, err := s.restaurant(o.RestaurantId)
	if err != nil { // menus never lose restaurants or items; a bug otherwise
		return Order{}, err
	}
	for _, it := range o.Items {
		if j, ok := r.item(it.ItemId); ok {
			r.items[j].Stock += it.Quantity
		}
	}
	o.Status = Cancelled
	return cloneOrder(*o), nil
}

func cloneOrder(o Order) Order {
	o.Items = append(OrderedItemList{}, o.Items...)
	return o
}
