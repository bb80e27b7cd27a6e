package data

// ONS (GSS) area codes appear in the ONS Postcode Directory and Code-Point
// Open instead of names. This small table names the countries, the English
// regions and the local authorities of the sample cities; any other code is
// kept as the code itself (documented in the README), so nothing is lost.

var countryNames = map[string]string{
	"E92000001": "England",
	"W92000004": "Wales",
	"S92000003": "Scotland",
	"N92000002": "Northern Ireland",
	"L93000001": "Channel Islands",
	"M83000003": "Isle of Man",
}

var regionNames = map[string]string{
	"E12000001": "North East",
	"E12000002": "North West",
	"E12000003": "Yorkshire and The Humber",
	"E12000004": "East Midlands",
	"E12000005": "West Midlands",
	"E12000006": "East of England",
	"E12000007": "London",
	"E12000008": "South East",
	"E12000009": "South West",
	// Pseudo-codes the directory uses outside England.
	"W99999999": "Wales",
	"S99999999": "Scotland",
	"N99999999": "Northern Ireland",
	"L99999999": "Channel Islands",
	"M99999999": "Isle of Man",
}

type district struct{ name, region string }

var districtNames = map[string]district{
	"E09000001": {"City of London", "London"},
	"E09000007": {"Camden", "London"},
	"E09000019": {"Islington", "London"},
	"E09000020": {"Kensington and Chelsea", "London"},
	"E09000028": {"Southwark", "London"},
	"E09000030": {"Tower Hamlets", "London"},
	"E09000033": {"Westminster", "London"},
	"E08000003": {"Manchester", "North West"},
	"E08000006": {"Salford", "North West"},
	"E08000009": {"Trafford", "North West"},
	"E08000012": {"Liverpool", "North West"},
	"E08000021": {"Newcastle upon Tyne", "North East"},
	"E08000025": {"Birmingham", "West Midlands"},
	"E08000035": {"Leeds", "Yorkshire and The Humber"},
	"E06000018": {"Nottingham", "East Midlands"},
	"E06000023": {"Bristol, City of", "South West"},
	"E07000008": {"Cambridge", "East of England"},
	"E07000111": {"Sevenoaks", "South East"},
	"E07000178": {"Oxford", "South East"},
	"S12000036": {"City of Edinburgh", "Scotland"},
	"S12000049": {"Glasgow City", "Scotland"},
	"W06000015": {"Cardiff", "Wales"},
	"N09000003": {"Belfast", "Northern Ireland"},
}

// nameOf returns the name for a code in table, or the code itself.
func nameOf(table map[string]string, code string) string {
	if n, ok := table[code]; ok {
		return n
	}
	return code
}

// districtOf names a local-authority code and gives its region when known.
func districtOf(code string) (name, region string) {
	if d, ok := districtNames[code]; ok {
		return d.name, d.region
	}
	return code, ""
}

// regionFromCountry gives the region for nations that have no English-style
// region, so an address line never lacks one.
func regionFromCountry(country string) string {
	switch country {
	case "Wales", "Scotland", "Northern Ireland", "Channel Islands", "Isle of Man":
		return country
	}
	return ""
}
