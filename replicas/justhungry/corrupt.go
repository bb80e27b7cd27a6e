package justhungry

// The "wrong results" fault: each result changed in one visible,
// deterministic way that still encodes as valid CDR.
func corrupt(m any) any {
	switch v := m.(type) {
	case RestaurantList:
		return append(append(RestaurantList{}, v...), Restaurant{Id: "R99", Name: "Nowhere", Cuisine: "None"})
	case Menu:
		v.Items = append(MenuItemList{}, v.Items...)
		if len(v.Items) > 0 {
			v.Items[0].Stock++
		}
		v.Info.Name += "!"
		return v
	case Address:
		v.Latitude++
		return v
	case Order:
		v.Total++
		return v
	case OrderList:
		out := append(OrderList{}, v...)
		if len(out) == 0 {
			return append(out, Order{Id: "ORD999999"})
		}
		out[0].Total++
		return out
	}
	panic("justhungry: no corruption defined for a result type") // a new op must add one
}
