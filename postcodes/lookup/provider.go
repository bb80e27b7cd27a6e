package lookup

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"concord/postcodes"
	"concord/postcodes/data"
)

// Provider answers for one source. Lookup gets a normalised postcode and
// returns the address, an error wrapping ErrUnknownPostcode (usually an
// *UnknownError) when the source says the postcode does not exist, or any
// other error when the source failed. It should honour ctx; the client does
// not wait past ctx's deadline either way.
type Provider interface {
	Name() string
	Lookup(ctx context.Context, postcode string) (postcodes.Address, error)
}

// Embedded answers from an in-memory data set (no network): the default
// provider, backed by the shipped sample unless another set is given.
type Embedded struct {
	name string
	ds   *data.Dataset
}

// NewEmbedded serves from ds (nil: the embedded sample).
func NewEmbedded(ds *data.Dataset) *Embedded {
	if ds == nil {
		ds = data.Sample()
	}
	return &Embedded{name: "embedded", ds: ds}
}

func (e *Embedded) Name() string { return e.name }

func (e *Embedded) Lookup(ctx context.Context, pc string) (postcodes.Address, error) {
	if err := ctx.Err(); err != nil {
		return postcodes.Address{}, err
	}
	r, ok := e.ds.Postcode(pc)
	if !ok {
		return postcodes.Address{}, &UnknownError{Postcode: pc, Provider: e.name, Reason: "Postcode not found"}
	}
	return AddressOf(r), nil
}

// AddressOf converts a data record; the district is the town, as for the
// HTTP providers, so every provider gives the same Address for a postcode.
func AddressOf(r data.Record) postcodes.Address {
	return postcodes.NewAddress(r.Postcode, r.District, r.Region, r.Country, r.Latitude, r.Longitude)
}

// DefaultHTTPClient is used by HTTP providers given a nil client. Its own
// timeouts are a backstop; the per-call context deadline is what bounds a
// lookup.
var DefaultHTTPClient = &http.Client{
	Timeout: 10 * time.Second,
	Transport: &http.Transport{
		Proxy:                 nil, // providers are addressed directly
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       60 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
	},
}

// ParseProvider builds a provider from a spec, as given on a command line:
//
//	embedded                       the shipped sample, in process
//	postcodesio=http://host:port   postcodes.io-style GET /postcodes/{pc}
//	getthedata=http://host:port    getthedata-style GET /postcode/{pc}
//	postcodesio=https://host/api/v1/pc/{postcode}   any URL, as a template
//
// The kind picks the response shape; a URL containing {postcode} is used as
// a template instead of appending the default path. "kind@name=url" names
// the provider in stats and metrics (default: kind@host:port).
func ParseProvider(spec string) (Provider, error) {
	spec = strings.TrimSpace(spec)
	if spec == "embedded" {
		return NewEmbedded(nil), nil
	}
	kind, base, ok := strings.Cut(spec, "=")
	if !ok || base == "" {
		return nil, fmt.Errorf("provider %q: want embedded, postcodesio=URL or getthedata=URL", spec)
	}
	kind, name, _ := strings.Cut(kind, "@")
	switch kind {
	case "postcodesio":
		return NewPostcodesIO(name, base, nil)
	case "getthedata":
		return NewGetTheData(name, base, nil)
	}
	return nil, fmt.Errorf("provider %q: unknown kind %q (want postcodesio or getthedata)", spec, kind)
}

// ParseProviders builds a provider list from specs (see ParseProvider), in
// order; an empty list gives the embedded provider alone.
func ParseProviders(specs []string) ([]Provider, error) {
	if len(specs) == 0 {
		return []Provider{NewEmbedded(nil)}, nil
	}
	out := make([]Provider, 0, len(specs))
	for _, s := range specs {
		p, err := ParseProvider(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
