package justhungry

import "concord/giop/cdr"

// Hand-written CDR marshalling of idl/justhungry.idl, member by member in
// IDL order, until the generated package idl/gen/justhungry replaces it.

// Repository ids of idl/justhungry.idl.
const (
	RepoIDFoodOrdering = "IDL:JustHungry/FoodOrdering:1.0"
	RepoIDOrderError   = "IDL:JustHungry/OrderError:1.0"
)

// RepositoryID makes *OrderError an orb.UserException.
func (e *OrderError) RepositoryID() string { return RepoIDOrderError }

// MarshalCDR writes the exception's members (the ORB writes the id).
func (e *OrderError) MarshalCDR(enc *cdr.Encoder) {
	enc.WriteULong(uint32(e.Reason))
	enc.WriteString(e.Message)
}

type marshaler interface{ marshalCDR(e *cdr.Encoder) }

func (v Restaurant) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.Id)
	e.WriteString(v.Name)
	e.WriteString(v.Cuisine)
}

func (v RestaurantList) marshalCDR(e *cdr.Encoder) {
	e.WriteULong(uint32(len(v)))
	for _, r := range v {
		r.marshalCDR(e)
	}
}

func (v MenuItem) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.Id)
	e.WriteString(v.Name)
	e.WriteULong(uint32(v.MenuCourse))
	e.WriteLong(v.Price)
	e.WriteLong(v.Stock)
}

func (v Menu) marshalCDR(e *cdr.Encoder) {
	v.Info.marshalCDR(e)
	e.WriteULong(uint32(len(v.Items)))
	for _, it := range v.Items {
		it.marshalCDR(e)
	}
}

func (v Address) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.Postcode)
	e.WriteString(v.Line)
	e.WriteString(v.District)
	e.WriteString(v.Region)
	e.WriteString(v.Country)
	e.WriteDouble(v.Latitude)
	e.WriteDouble(v.Longitude)
}

func (v Order) marshalCDR(e *cdr.Encoder) {
	e.WriteString(v.Id)
	e.WriteString(v.CustomerName)
	e.WriteString(v.RestaurantId)
	e.WriteULong(uint32(len(v.Items)))
	for _, it := range v.Items {
		e.WriteString(it.ItemId)
		e.WriteString(it.Name)
		e.WriteLong(it.Quantity)
		e.WriteLong(it.UnitPrice)
		e.WriteLong(it.LineTotal)
	}
	e.WriteLong(v.Total)
	e.WriteULong(uint32(v.Status))
	v.DeliveryAddress.marshalCDR(e)
	e.WriteString(v.RequestId)
}

func (v OrderList) marshalCDR(e *cdr.Encoder) {
	e.WriteULong(uint32(len(v)))
	for _, o := range v {
		o.marshalCDR(e)
	}
}

// call is one decoded invocation; resolve is only used by the operations
// that need an address.
type call func(s *State, resolve Resolve) (marshaler, error)

// readLines reads an OrderLineList; each line is at least 12 octets
// (a string of one char with its length, and a long).
func readLines(d *cdr.Decoder) OrderLineList {
	n := d.ReadSeqLen(12)
	lines := make(OrderLineList, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		lines = append(lines, OrderLine{ItemId: d.ReadString(), Quantity: d.ReadLong()})
	}
	return lines
}

// decodeCall reads op's in-arguments; nil for an unknown op. Decoding
// errors are left in d.
func decodeCall(op string, d *cdr.Decoder) call {
	switch op {
	case "listRestaurants":
		return func(s *State, _ Resolve) (marshaler, error) { return s.ListRestaurants(), nil }
	case "getMenu":
		id := d.ReadString()
		return func(s *State, _ Resolve) (marshaler, error) { return s.GetMenu(id) }
	case "lookupAddress":
		pc := d.ReadString()
		return func(s *State, r Resolve) (marshaler, error) { return s.LookupAddress(pc, r) }
	case "placeOrder":
		name, rid, lines, pc, req := d.ReadString(), d.ReadString(), readLines(d), d.ReadString(), d.ReadString()
		return func(s *State, r Resolve) (marshaler, error) { return s.PlaceOrder(name, rid, lines, pc, req, r) }
	case "getOrders":
		name := d.ReadString()
		return func(s *State, _ Resolve) (marshaler, error) { return s.GetOrders(name), nil }
	case "cancelOrder":
		name, id := d.ReadString(), d.ReadString()
		return func(s *State, _ Resolve) (marshaler, error) { return s.CancelOrder(name, id) }
	}
	return nil
}
