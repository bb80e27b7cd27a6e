// Package server is the embedded postcode web service: an HTTP JSON API
// compatible with postcodes.io for the three read endpoints the product
// needs, answering from a data.Dataset.
package server

// The wire types follow postcodes.io's field names and order. Fields the data
// set does not carry are present and null (postcodes.io's own convention for
// unknown values), so clients written for postcodes.io decode them unchanged.

// ErrorResponse is every non-200 body: {"status":404,"error":"..."}.
type ErrorResponse struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
}

// The error messages postcodes.io uses.
const (
	MsgPostcodeNotFound = "Postcode not found"
	MsgInvalidPostcode  = "Invalid postcode"
	MsgOutcodeNotFound  = "Outcode not found"
	MsgResourceNotFound = "Resource not found"
	MsgMethodNotAllowed = "Method not allowed"
)

// PostcodeResponse is the body of GET /postcodes/{postcode}.
type PostcodeResponse struct {
	Status int            `json:"status"`
	Result PostcodeResult `json:"result"`
}

// PostcodeResult is postcodes.io's postcode object (the subset we can fill).
type PostcodeResult struct {
	Postcode                  string   `json:"postcode"`
	Quality                   *int     `json:"quality"`
	Eastings                  *int     `json:"eastings"`
	Northings                 *int     `json:"northings"`
	Country                   *string  `json:"country"`
	Longitude                 *float64 `json:"longitude"`
	Latitude                  *float64 `json:"latitude"`
	Region                    *string  `json:"region"`
	Incode                    string   `json:"incode"`
	Outcode                   string   `json:"outcode"`
	ParliamentaryConstituency *string  `json:"parliamentary_constituency"`
	AdminDistrict             *string  `json:"admin_district"`
	Parish                    *string  `json:"parish"`
	AdminCounty               *string  `json:"admin_county"`
	AdminWard                 *string  `json:"admin_ward"`
}

// ValidateResponse is the body of GET /postcodes/{postcode}/validate.
type ValidateResponse struct {
	Status int  `json:"status"`
	Result bool `json:"result"`
}

// OutcodeResponse is the body of GET /outcodes/{outcode}.
type OutcodeResponse struct {
	Status int           `json:"status"`
	Result OutcodeResult `json:"result"`
}

// OutcodeResult is postcodes.io's outcode object; the area fields are lists
// because an outward code can straddle boundaries.
type OutcodeResult struct {
	Outcode                   string   `json:"outcode"`
	Longitude                 *float64 `json:"longitude"`
	Latitude                  *float64 `json:"latitude"`
	Northings                 *int     `json:"northings"`
	Eastings                  *int     `json:"eastings"`
	AdminDistrict             []string `json:"admin_district"`
	Parish                    []string `json:"parish"`
	AdminCounty               []string `json:"admin_county"`
	AdminWard                 []string `json:"admin_ward"`
	Country                   []string `json:"country"`
	ParliamentaryConstituency []string `json:"parliamentary_constituency"`
}
