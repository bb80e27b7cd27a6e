package justhungry

// Sample restaurants and menus: shipped with the product and loaded
// identically by every replica. Prices in pence.
func sampleMenus() []Menu {
	return []Menu{
		menu("R01", "The Golden Wok", "Chinese",
			item("R01-S1", "Spring rolls", Starter, 450, 40),
			item("R01-S2", "Hot and sour soup", Starter, 395, 30),
			item("R01-M1", "Kung pao chicken", Main, 1095, 25),
			item("R01-M2", "Mapo tofu", Main, 950, 20),
			item("R01-M3", "Egg fried rice", Main, 350, 60),
			item("R01-D1", "Mango pudding", Dessert, 425, 15),
		),
		menu("R02", "Bella Napoli", "Italian",
			item("R02-S1", "Bruschetta", Starter, 550, 30),
			item("R02-M1", "Margherita pizza", Main, 1050, 35),
			item("R02-M2", "Spaghetti carbonara", Main, 1195, 25),
			item("R02-M3", "Lasagne", Main, 1250, 12),
			item("R02-D1", "Tiramisu", Dessert, 595, 18),
		),
		menu("R03", "Spice Route", "Indian",
			item("R03-S1", "Onion bhaji", Starter, 395, 50),
			item("R03-S2", "Vegetable samosa", Starter, 425, 40),
			item("R03-M1", "Chicken tikka masala", Main, 1195, 30),
			item("R03-M2", "Lamb rogan josh", Main, 1395, 15),
			item("R03-M3", "Chana masala", Main, 950, 25),
			item("R03-D1", "Gulab jamun", Dessert, 450, 20),
		),
		menu("R04", "The Green Fork", "Vegetarian",
			item("R04-S1", "Beetroot hummus", Starter, 575, 20),
			item("R04-M1", "Mushroom risotto", Main, 1150, 18),
			item("R04-M2", "Halloumi burger", Main, 1095, 22),
			item("R04-D1", "Sticky toffee pudding", Dessert, 650, 10),
			item("R04-D2", "Lemon sorbet", Dessert, 395, 3),
		),
	}
}

func menu(id, name, cuisine string, items ...MenuItem) Menu {
	return Menu{Info: Restaurant{Id: id, Name: name, Cuisine: cuisine}, Items: items}
}

func item(id, name string, c Course, price, stock int32) MenuItem {
	return MenuItem{Id: id, Name: name, MenuCourse: c, Price: price, Stock: stock}
}
