package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"concord/postcodes"
	"concord/postcodes/data"
)

// NewHandler serves the postcodes.io-compatible endpoints from ds:
//
//	GET /postcodes/{postcode}           200 result | 404 Invalid postcode | 404 Postcode not found
//	GET /postcodes/{postcode}/validate  200 true/false
//	GET /outcodes/{outcode}             200 result | 404 Outcode not found
//
// Anything else is 404 Resource not found (or 405 for a wrong method), always
// as a JSON body. log may be nil.
func NewHandler(ds *data.Dataset, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handler{ds: ds, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("/postcodes/{postcode}", h.get(h.postcode))
	mux.HandleFunc("/postcodes/{postcode}/validate", h.get(h.validate))
	mux.HandleFunc("/outcodes/{outcode}", h.get(h.outcode))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, ErrorResponse{http.StatusNotFound, MsgResourceNotFound})
	})
	return mux
}

type handler struct {
	ds  *data.Dataset
	log *slog.Logger
}

// get restricts a route to GET and HEAD with a JSON 405 otherwise.
func (h *handler) get(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, ErrorResponse{http.StatusMethodNotAllowed, MsgMethodNotAllowed})
			return
		}
		next(w, r)
	}
}

func (h *handler) postcode(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("postcode")
	pc, err := postcodes.Normalise(raw)
	if err != nil {
		h.log.Debug("invalid postcode", "input", raw)
		writeJSON(w, http.StatusNotFound, ErrorResponse{http.StatusNotFound, MsgInvalidPostcode})
		return
	}
	rec, ok := h.ds.Postcode(pc)
	if !ok {
		writeJSON(w, http.StatusNotFound, ErrorResponse{http.StatusNotFound, MsgPostcodeNotFound})
		return
	}
	writeJSON(w, http.StatusOK, PostcodeResponse{Status: http.StatusOK, Result: postcodeResult(rec)})
}

func (h *handler) validate(w http.ResponseWriter, r *http.Request) {
	found := false
	if pc, err := postcodes.Normalise(r.PathValue("postcode")); err == nil {
		_, found = h.ds.Postcode(pc)
	}
	writeJSON(w, http.StatusOK, ValidateResponse{Status: http.StatusOK, Result: found})
}

func (h *handler) outcode(w http.ResponseWriter, r *http.Request) {
	oc, err := postcodes.NormaliseOutcode(r.PathValue("outcode"))
	var o data.Outcode
	found := false
	if err == nil {
		o, found = h.ds.Outcode(oc)
	}
	if !found {
		writeJSON(w, http.StatusNotFound, ErrorResponse{http.StatusNotFound, MsgOutcodeNotFound})
		return
	}
	writeJSON(w, http.StatusOK, OutcodeResponse{Status: http.StatusOK, Result: outcodeResult(o)})
}

func postcodeResult(r data.Record) PostcodeResult {
	out, in := postcodes.Split(r.Postcode)
	res := PostcodeResult{
		Postcode:      r.Postcode,
		Outcode:       out,
		Incode:        in,
		Country:       nonEmpty(r.Country),
		Region:        nonEmpty(r.Region),
		AdminDistrict: nonEmpty(r.District),
	}
	if r.HasLocation {
		res.Latitude, res.Longitude = &r.Latitude, &r.Longitude
	}
	if r.HasGrid {
		res.Eastings, res.Northings = &r.Eastings, &r.Northings
	}
	return res
}

func outcodeResult(o data.Outcode) OutcodeResult {
	res := OutcodeResult{
		Outcode:                   o.Outcode,
		AdminDistrict:             nonNil(o.Districts),
		Country:                   nonNil(o.Countries),
		Parish:                    []string{},
		AdminCounty:               []string{},
		AdminWard:                 []string{},
		ParliamentaryConstituency: []string{},
	}
	if o.HasLocation {
		res.Latitude, res.Longitude = &o.Latitude, &o.Longitude
	}
	return res
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the client may have gone; nothing to do
}
