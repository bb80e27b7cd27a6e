package justhungry

import (
	"bytes"
	"fmt"

	"concord/replicas/internal/snap"
)

// Snapshot layout, version 1 (package snap encoding):
//
//	"JHNG" version:u8
//	restaurants:u32 { id name cuisine:str items:u32 { id name:str course:u8 price stock:i32 } }
//	orders:u32 { customer restaurant:str lines:u32 { item name:str qty unit total:i32 }
//	             total:i32 status:u8 postcode line district region country:str lat lon:f64 requestId:str }
//
// Restaurants are in id order, menu items in menu order, orders in id order
// (an order's id is its position), so equal states give equal bytes.
const (
	snapMagic   = "JHNG"
	snapVersion = 1
)

// Snapshot encodes the whole state canonically.
func (s *State) Snapshot() []byte {
	w := snap.Writer{B: make([]byte, 0, 1024+len(s.orders)*160)}
	w.B = append(w.B, snapMagic...)
	w.U8(snapVersion)
	w.U32(uint32(len(s.restaurants)))
	for _, r := range s.restaurants {
		w.Str(r.info.Id)
		w.Str(r.info.Name)
		w.Str(r.info.Cuisine)
		w.U32(uint32(len(r.items)))
		for _, it := range r.items {
			w.Str(it.Id)
			w.Str(it.Name)
			w.U8(uint8(it.MenuCourse))
			w.I32(it.Price)
			w.I32(it.Stock)
		}
	}
	w.U32(uint32(len(s.orders)))
	for _, o := range s.orders {
		w.Str(o.CustomerName)
		w.Str(o.RestaurantId)
		w.U32(uint32(len(o.Items)))
		for _, it := range o.Items {
			w.Str(it.ItemId)
			w.Str(it.Name)
			w.I32(it.Quantity)
			w.I32(it.UnitPrice)
			w.I32(it.LineTotal)
		}
		w.I32(o.Total)
		w.U8(uint8(o.Status))
		a := o.DeliveryAddress
		w.Str(a.Postcode)
		w.Str(a.Line)
		w.Str(a.District)
		w.Str(a.Region)
		w.Str(a.Country)
		w.F64(a.Latitude)
		w.F64(a.Longitude)
		w.Str(o.RequestId)
	}
	return w.B
}

// Restore replaces the state with a snapshot's, or returns an error and
// leaves the state untouched.
func (s *State) Restore(b []byte) error {
	if len(b) < len(snapMagic)+1 || !bytes.Equal(b[:len(snapMagic)], []byte(snapMagic)) {
		return fmt.Errorf("justhungry snapshot: missing %q header", snapMagic)
	}
	if v := b[len(snapMagic)]; v != snapVersion {
		return fmt.Errorf("justhungry snapshot: version %d, this replica reads version %d", v, snapVersion)
	}
	r := snap.NewReader(b[len(snapMagic)+1:])
	fresh := &State{placed: map[string]int{}}
	for n := r.Count(10); n > 0 && r.Err() == nil; n-- {
		readRestaurant(r, fresh)
	}
	for n := r.Count(40); n > 0 && r.Err() == nil; n-- {
		readOrder(r, fresh)
	}
	r.End()
	if err := r.Err(); err != nil {
		return fmt.Errorf("justhungry snapshot: %w", err)
	}
	*s = *fresh
	return nil
}

func readRestaurant(r *snap.Reader, s *State) {
	rs := &restaurant{info: Restaurant{Id: r.Str(), Name: r.Str(), Cuisine: r.Str()}}
	if k := len(s.restaurants); k > 0 && s.restaurants[k-1].info.Id >= rs.info.Id {
		r.Failf("restaurant %q out of order", rs.info.Id)
	}
	for n := r.Count(15); n > 0 && r.Err() == nil; n-- {
		it := MenuItem{Id: r.Str(), Name: r.Str(), MenuCourse: Course(r.U8()), Price: r.I32(), Stock: r.I32()}
		if _, dup := rs.item(it.Id); dup || it.MenuCourse >= courseCount || it.Price < 0 || it.Stock < 0 {
			r.Failf("restaurant %s: bad menu item %+v", rs.info.Id, it)
		}
		rs.items = append(rs.items, it)
	}
	s.restaurants = append(s.restaurants, rs)
}

func readOrder(r *snap.Reader, s *State) {
	o := Order{Id: orderID(len(s.orders)), CustomerName: r.Str(), RestaurantId: r.Str(), Items: OrderedItemList{}}
	var sum int64
	for n := r.Count(16); n > 0 && r.Err() == nil; n-- {
		it := OrderedItem{ItemId: r.Str(), Name: r.Str(), Quantity: r.I32(), UnitPrice: r.I32(), LineTotal: r.I32()}
		if it.Quantity < 1 || int64(it.LineTotal) != int64(it.Quantity)*int64(it.UnitPrice) {
			r.Failf("order %s: bad line %+v", o.Id, it)
		}
		sum += int64(it.LineTotal)
		o.Items = append(o.Items, it)
	}
	o.Total = r.I32()
	o.Status = OrderStatus(r.U8())
	o.DeliveryAddress = Address{Postcode: r.Str(), Line: r.Str(), District: r.Str(), Region: r.Str(),
		Country: r.Str(), Latitude: r.F64(), Longitude: r.F64()}
	o.RequestId = r.Str()
	if r.Err() != nil {
		return
	}
	_, known := s.placed[o.RequestId]
	_, rerr := s.restaurant(o.RestaurantId)
	switch {
	case rerr != nil:
		r.Failf("order %s: unknown restaurant %q", o.Id, o.RestaurantId)
	case o.Status > Cancelled || len(o.Items) == 0 || int64(o.Total) != sum:
		r.Failf("order %s: bad status, lines or total", o.Id)
	case known || checkText("request id", o.RequestId, MaxRequestID) != nil || checkText("name", o.CustomerName, MaxNameLen) != nil:
		r.Failf("order %s: bad or repeated request id or name", o.Id)
	case len(s.orders) >= maxOrdersTotal:
		r.Failf("too many orders")
	}
	s.placed[o.RequestId] = len(s.orders)
	s.orders = append(s.orders, o)
}
