package client

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

// table lays rows out in aligned columns under a header.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	_ = w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// money shows minor units (pence) as pounds.
func money(p int32) string {
	sign := ""
	v := int64(p)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s£%d.%02d", sign, v/100, v%100)
}

func event(id string, k dems.EventKind) string { return fmt.Sprintf("%s (%v)", id, k) }

// ErrorText is the message shown for a failed operation: the reason code
// and message of a user exception, or what a system exception means.
func ErrorText(err error) string {
	var ee *dems.EventError
	var oe *justhungry.OrderError
	var se *orb.SystemException
	switch {
	case errors.As(err, &ee):
		return fmt.Sprintf("refused: %v: %s", ee.Reason, ee.Message)
	case errors.As(err, &oe):
		return fmt.Sprintf("refused: %v: %s", oe.Reason, oe.Message)
	case errors.As(err, &se):
		switch se.Name() {
		case orb.TRANSIENT, orb.COMM_FAILURE, orb.TIMEOUT, orb.NO_RESOURCES:
			return fmt.Sprintf("service unavailable (%s), try again", se.Name())
		case orb.OBJECT_NOT_EXIST:
			return "service not found (OBJECT_NOT_EXIST): check --fe"
		}
		return fmt.Sprintf("service error: CORBA::%s (minor %#x, %v)", se.Name(), se.Minor, se.Completed)
	}
	return "error: " + err.Error()
}

func formatAdd(o dems.AddOutcome) string {
	verb := "updated"
	if o.Created {
		verb = "created"
	}
	return fmt.Sprintf("Event %s %s: capacity %d, %d seats free", event(o.Slot.EventId, o.Slot.Type), verb, o.Slot.Capacity, o.Slot.Remaining)
}

func formatRemoval(o dems.RemovalOutcome) string {
	s := fmt.Sprintf("Event %s removed.", event(o.EventId, o.Type))
	if len(o.Moved) == 0 && len(o.Dropped) == 0 {
		return s + " Nobody was booked on it."
	}
	rows := make([][]string, 0, len(o.Moved)+len(o.Dropped))
	for _, m := range o.Moved {
		rows = append(rows, []string{m.CustomerId, "moved to " + m.NewEventId})
	}
	for _, d := range o.Dropped {
		rows = append(rows, []string{d, "dropped (no later event with a free seat)"})
	}
	return s + "\n" + table([]string{"CUSTOMER", "OUTCOME"}, rows)
}

func formatSlots(l dems.EventSlotList) string {
	if len(l) == 0 {
		return "No events of that type."
	}
	rows := make([][]string, len(l))
	for i, e := range l {
		rows[i] = []string{e.EventId, e.Type.String(), fmt.Sprint(e.Capacity), fmt.Sprint(e.Remaining)}
	}
	return table([]string{"EVENT", "TYPE", "CAPACITY", "FREE"}, rows)
}

func formatBookings(customer string, l dems.BookingList) string {
	if len(l) == 0 {
		return "No bookings for " + customer + "."
	}
	rows := make([][]string, len(l))
	for i, b := range l {
		rows[i] = []string{b.EventId, b.Type.String()}
	}
	return fmt.Sprintf("Bookings of %s:\n%s", customer, table([]string{"EVENT", "TYPE"}, rows))
}

func formatRestaurants(l justhungry.RestaurantList) string {
	if len(l) == 0 {
		return "No restaurants."
	}
	rows := make([][]string, len(l))
	for i, r := range l {
		rows[i] = []string{r.Id, r.Name, r.Cuisine}
	}
	return table([]string{"ID", "NAME", "CUISINE"}, rows)
}

func formatMenu(m justhungry.Menu) string {
	rows := make([][]string, len(m.Items))
	for i, it := range m.Items {
		rows[i] = []string{it.Id, it.Name, it.MenuCourse.String(), money(it.Price), fmt.Sprint(it.Stock)}
	}
	return fmt.Sprintf("%s %s (%s)\n%s", m.Info.Id, m.Info.Name, m.Info.Cuisine,
		table([]string{"ITEM", "NAME", "COURSE", "PRICE", "STOCK"}, rows))
}

func formatAddress(a justhungry.Address) string {
	return fmt.Sprintf("%s: %s, %s, %s, %s (%.6f, %.6f)", a.Postcode, a.Line, a.District, a.Region, a.Country, a.Latitude, a.Longitude)
}

func formatOrder(o justhungry.Order) string {
	rows := make([][]string, len(o.Items))
	for i, it := range o.Items {
		rows[i] = []string{it.ItemId, it.Name, fmt.Sprint(it.Quantity), money(it.UnitPrice), money(it.LineTotal)}
	}
	return fmt.Sprintf("Order %s (%v) for %s from %s, total %s, request %s\nDeliver to %s\n%s",
		o.Id, o.Status, o.CustomerName, o.RestaurantId, money(o.Total), o.RequestId, formatAddress(o.DeliveryAddress),
		table([]string{"ITEM", "NAME", "QTY", "PRICE", "LINE"}, rows))
}

func formatOrders(name string, l justhungry.OrderList) string {
	if len(l) == 0 {
		return "No orders for " + name + "."
	}
	rows := make([][]string, len(l))
	for i, o := range l {
		items := make([]string, len(o.Items))
		for j, it := range o.Items {
			items[j] = fmt.Sprintf("%dx %s", it.Quantity, it.ItemId)
		}
		rows[i] = []string{o.Id, o.RestaurantId, o.Status.String(), money(o.Total), o.DeliveryAddress.Postcode, strings.Join(items, ", ")}
	}
	return table([]string{"ORDER", "RESTAURANT", "STATUS", "TOTAL", "POSTCODE", "ITEMS"}, rows)
}
