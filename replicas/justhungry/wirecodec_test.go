package justhungry

import (
	"fmt"

	"concord/giop/cdr"
	"concord/replicas"
)

// Client-side CDR for the tests: what a stub would write and read.

func request(enc replicas.Encoding, op string, args ...any) replicas.Request {
	e := cdr.NewEncoderAt(enc.LittleEndian, int(enc.ArgsOffset))
	for _, a := range args {
		switch v := a.(type) {
		case string:
			e.WriteString(v)
		case OrderLineList:
			e.WriteULong(uint32(len(v)))
			for _, l := range v {
				e.WriteString(l.ItemId)
				e.WriteLong(l.Quantity)
			}
		default:
			panic(fmt.Sprintf("request: %T", a))
		}
	}
	return replicas.Request{Operation: op, Args: e.Bytes(), Enc: enc}
}

func cdrRestaurant(d *cdr.Decoder) Restaurant {
	return Restaurant{Id: d.ReadString(), Name: d.ReadString(), Cuisine: d.ReadString()}
}

func cdrAddress(d *cdr.Decoder) Address {
	return Address{Postcode: d.ReadString(), Line: d.ReadString(), District: d.ReadString(), Region: d.ReadString(), Country: d.ReadString(), Latitude: d.ReadDouble(), Longitude: d.ReadDouble()}
}

func cdrOrder(d *cdr.Decoder) Order {
	o := Order{Id: d.ReadString(), CustomerName: d.ReadString(), RestaurantId: d.ReadString(), Items: OrderedItemList{}}
	for n := d.ReadSeqLen(20); n > 0; n-- {
		o.Items = append(o.Items, OrderedItem{ItemId: d.ReadString(), Name: d.ReadString(), Quantity: d.ReadLong(), UnitPrice: d.ReadLong(), LineTotal: d.ReadLong()})
	}
	o.Total = d.ReadLong()
	o.Status = OrderStatus(d.ReadULong())
	o.DeliveryAddress = cdrAddress(d)
	o.RequestId = d.ReadString()
	return o
}

// decodeReply turns a reply into the value the rules return, or an error
// (*OrderError for the user exception).
func decodeReply(enc replicas.Encoding, op string, rep replicas.Reply) (any, error) {
	d := cdr.NewDecoderAt(rep.Body, enc.LittleEndian, int(enc.ReplyOffset))
	var v any
	var uerr error
	switch {
	case rep.Status == replicas.SystemException:
		return nil, fmt.Errorf("system exception %s minor %d completed %d", d.ReadString(), d.ReadULong(), d.ReadULong())
	case rep.Status == replicas.UserException:
		if id := d.ReadString(); id != RepoIDOrderError {
			return nil, fmt.Errorf("unexpected exception %q", id)
		}
		uerr = &OrderError{Reason: ReasonCode(d.ReadULong()), Message: d.ReadString()}
	case op == "listRestaurants":
		l := RestaurantList{}
		for n := d.ReadSeqLen(12); n > 0; n-- {
			l = append(l, cdrRestaurant(d))
		}
		v = l
	case op == "getMenu":
		m := Menu{Info: cdrRestaurant(d), Items: MenuItemList{}}
		for n := d.ReadSeqLen(20); n > 0; n-- {
			m.Items = append(m.Items, MenuItem{Id: d.ReadString(), Name: d.ReadString(), MenuCourse: Course(d.ReadULong()), Price: d.ReadLong(), Stock: d.ReadLong()})
		}
		v = m
	case op == "lookupAddress":
		v = cdrAddress(d)
	case op == "placeOrder", op == "cancelOrder":
		v = cdrOrder(d)
	case op == "getOrders":
		l := OrderList{}
		for n := d.ReadSeqLen(40); n > 0; n-- {
			l = append(l, cdrOrder(d))
		}
		v = l
	default:
		return nil, fmt.Errorf("no decoder for %s", op)
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	if d.Remaining() != 0 {
		return nil, fmt.Errorf("%d bytes left over", d.Remaining())
	}
	return v, uerr
}
