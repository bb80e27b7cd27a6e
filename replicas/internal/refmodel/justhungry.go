package refmodel

import (
	"fmt"
	"sort"
	"strings"

	"concord/postcodes"
)

// Item is a menu item: Course 0 starter, 1 main, 2 dessert; Price in pence.
type Item struct {
	ID, Name             string
	Course, Price, Stock int
}

type Restaurant struct {
	ID, Name, Cuisine string
	Items             []Item
}

type Address struct {
	Postcode, Line, District, Region, Country string
	Lat, Lon                                  float64
}

type Line struct {
	Item, Name           string
	Qty, Unit, LineTotal int
}

type Order struct {
	ID, Customer, Restaurant string
	Lines                    []Line
	Total                    int
	Cancelled                bool
	Addr                     Address
	Req                      string
}

// Lookup is the model's web service: an address, or the reason
// ("UnknownPostcode", "AddressServiceUnavailable").
type Lookup func(postcode string) (Address, string)

// JustHungry is the reference model of the food ordering rules.
type JustHungry struct {
	Restaurants []Restaurant
	Orders      []Order
}

func (m *JustHungry) restaurant(id string) *Restaurant {
	for i := range m.Restaurants {
		if m.Restaurants[i].ID == id {
			return &m.Restaurants[i]
		}
	}
	return nil
}

func (m *JustHungry) List() []Restaurant {
	out := append([]Restaurant(nil), m.Restaurants...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (m *JustHungry) Menu(id string) (Restaurant, string) {
	r := m.restaurant(id)
	if r == nil {
		return Restaurant{}, "UnknownRestaurant"
	}
	return *r, ""
}

func (m *JustHungry) LookupAddress(pc string, look Lookup) (Address, string) {
	n, err := postcodes.Normalise(pc)
	if err != nil {
		return Address{}, "UnknownPostcode"
	}
	return look(n)
}

func blank(s string, max int) bool { return strings.TrimSpace(s) == "" || len(s) > max }

func (m *JustHungry) Place(name, rid string, items [][2]any, pc, req string, look Lookup) (Order, string) {
	if blank(name, 64) || blank(req, 64) {
		return Order{}, "InvalidRequest"
	}
	n, pcErr := postcodes.Normalise(pc)
	for _, o := range m.Orders {
		if o.Req != req {
			continue
		}
		same := o.Customer == name && o.Restaurant == rid && pcErr == nil && n == o.Addr.Postcode && len(items) == len(o.Lines)
		for i := 0; same && i < len(items); i++ {
			same = items[i][0].(string) == o.Lines[i].Item && items[i][1].(int) == o.Lines[i].Qty
		}
		if !same {
			return Order{}, "InvalidRequest"
		}
		o.Cancelled = false
		o.Lines = append([]Line(nil), o.Lines...)
		return o, ""
	}
	r := m.restaurant(rid)
	if r == nil {
		return Order{}, "UnknownRestaurant"
	}
	if len(items) == 0 || len(items) > 50 {
		return Order{}, "InvalidRequest"
	}
	var lines []Line
	total := 0
	for i, it := range items {
		id, qty := it[0].(string), it[1].(int)
		var found *Item
		for k := range r.Items {
			if r.Items[k].ID == id {
				found = &r.Items[k]
			}
		}
		if found == nil {
			return Order{}, "UnknownItem"
		}
		for _, prev := range items[:i] {
			if prev[0].(string) == id {
				return Order{}, "InvalidRequest"
			}
		}
		if qty < 1 || qty > 1000 {
			return Order{}, "InvalidQuantity"
		}
		if qty > found.Stock {
			return Order{}, "OutOfStock"
		}
		total += qty * found.Price
		if total > 1<<31-1 {
			return Order{}, "InvalidQuantity"
		}
		lines = append(lines, Line{id, found.Name, qty, found.Price, qty * found.Price})
	}
	if pcErr != nil {
		return Order{}, "UnknownPostcode"
	}
	addr, why := look(n)
	if why != "" {
		return Order{}, why
	}
	for _, l := range lines {
		for k := range r.Items {
			if r.Items[k].ID == l.Item {
				r.Items[k].Stock -= l.Qty
			}
		}
	}
	o := Order{ID: fmt.Sprintf("ORD%06d", len(m.Orders)+1), Customer: name, Restaurant: rid,
		Lines: lines, Total: total, Addr: addr, Req: req}
	m.Orders = append(m.Orders, o)
	return o, ""
}

func (m *JustHungry) OrdersOf(name string) []Order {
	var out []Order
	for _, o := range m.Orders {
		if o.Customer == name {
			out = append(out, o)
		}
	}
	return out
}

func (m *JustHungry) Cancel(name, id string) (Order, string) {
	for i := range m.Orders {
		o := &m.Orders[i]
		if o.ID != id {
			continue
		}
		switch {
		case o.Customer != name:
			return Order{}, "NotYourOrder"
		case o.Cancelled:
			return Order{}, "AlreadyCancelled"
		}
		r := m.restaurant(o.Restaurant)
		for _, l := range o.Lines {
			for k := range r.Items {
				if r.Items[k].ID == l.Item {
					r.Items[k].Stock += l.Qty
				}
			}
		}
		o.Cancelled = true
		return *o, ""
	}
	return Order{}, "UnknownOrder"
}
