package lookup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"concord/postcodes"
)

// maxBody caps what we read from a provider: a postcode answer is ~2 KB.
const maxBody = 256 << 10

// httpProvider is the shared shell of the HTTP providers: it builds the URL,
// bounds the read and leaves the body's meaning to decode.
type httpProvider struct {
	name     string
	template string // URL with {postcode} where the escaped postcode goes
	client   *http.Client
	decode   func(status int, body []byte, pc string) (postcodes.Address, error)
}

// PostcodePlaceholder marks where a URL template takes the postcode.
const PostcodePlaceholder = "{postcode}"

// newHTTPProvider accepts either a base URL, to which path and the postcode
// are appended, or a full URL template containing {postcode}, for services
// that mount the API elsewhere (e.g. "https://host/v2/lookup/{postcode}").
func newHTTPProvider(kind, name, base, path string, hc *http.Client) (*httpProvider, error) {
	template := base
	if !strings.Contains(base, PostcodePlaceholder) {
		template = strings.TrimSuffix(base, "/") + path + PostcodePlaceholder
	}
	u, err := url.Parse(strings.ReplaceAll(template, PostcodePlaceholder, "X"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s provider: invalid URL %q (want http(s)://host[:port][/path], optionally with %s)",
			kind, base, PostcodePlaceholder)
	}
	if name == "" {
		name = kind + "@" + u.Host
	}
	if hc == nil {
		hc = DefaultHTTPClient
	}
	return &httpProvider{name: name, template: template, client: hc}, nil
}

func (p *httpProvider) Name() string { return p.name }

func (p *httpProvider) Lookup(ctx context.Context, pc string) (postcodes.Address, error) {
	target := strings.ReplaceAll(p.template, PostcodePlaceholder, url.PathEscape(pc))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return postcodes.Address{}, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return postcodes.Address{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return postcodes.Address{}, fmt.Errorf("reading response: %w", err)
	}
	if len(body) > maxBody {
		return postcodes.Address{}, fmt.Errorf("response larger than %d bytes", maxBody)
	}
	return p.decode(resp.StatusCode, body, pc)
}

// ---- postcodes.io ----

// NewPostcodesIO asks a postcodes.io-compatible service (including our own
// embedded server): GET {base}/postcodes/{pc}, or base as a URL template
// when it contains {postcode}.
func NewPostcodesIO(name, base string, hc *http.Client) (Provider, error) {
	p, err := newHTTPProvider("postcodesio", name, base, "/postcodes/", hc)
	if err != nil {
		return nil, err
	}
	p.decode = p.decodePostcodesIO
	return p, nil
}

type pcioBody struct {
	Status int         `json:"status"`
	Error  string      `json:"error"`
	Result *pcioResult `json:"result"`
}

type pcioResult struct {
	Postcode      string    `json:"postcode"`
	AdminDistrict *string   `json:"admin_district"`
	Region        *string   `json:"region"`
	Country       *string   `json:"country"`
	Latitude      flexFloat `json:"latitude"`
	Longitude     flexFloat `json:"longitude"`
}

func (p *httpProvider) decodePostcodesIO(status int, body []byte, pc string) (postcodes.Address, error) {
	var b pcioBody
	jsonErr := json.Unmarshal(body, &b)
	switch {
	case status == http.StatusNotFound && jsonErr == nil &&
		(b.Error == "Postcode not found" || b.Error == "Invalid postcode"):
		return postcodes.Address{}, &UnknownError{Postcode: pc, Provider: p.name, Reason: b.Error}
	case status != http.StatusOK:
		// Any other 404 ("Resource not found") means a misconfigured URL,
		// not an unknown postcode: a failure, so the next provider is asked.
		return postcodes.Address{}, fmt.Errorf("HTTP %d: %s", status, snippet(body))
	case jsonErr != nil:
		return postcodes.Address{}, fmt.Errorf("malformed JSON: %w", jsonErr)
	case b.Result == nil:
		return postcodes.Address{}, errors.New("malformed answer: no result")
	}
	return addressFrom(p.name, pc, b.Result.Postcode, deref(b.Result.AdminDistrict), deref(b.Result.Region),
		deref(b.Result.Country), b.Result.Latitude, b.Result.Longitude)
}

// ---- getthedata ----

// NewGetTheData asks a getthedata-style service (Open Postcode Geo):
// GET {base}/postcode/{pc} (or base as a {postcode} URL template), answering
// {"status":"match","data":{"postcode":..,"country":..,"latitude":"51.5",..}}
// or {"status":"no_match"}. It has no district or region; the address then
// carries the country only.
func NewGetTheData(name, base string, hc *http.Client) (Provider, error) {
	p, err := newHTTPProvider("getthedata", name, base, "/postcode/", hc)
	if err != nil {
		return nil, err
	}
	p.decode = p.decodeGetTheData
	return p, nil
}

type gtdBody struct {
	Status string `json:"status"`
	Data   *struct {
		Postcode  string    `json:"postcode"`
		Country   string    `json:"country"`
		Latitude  flexFloat `json:"latitude"`
		Longitude flexFloat `json:"longitude"`
	} `json:"data"`
}

func (p *httpProvider) decodeGetTheData(status int, body []byte, pc string) (postcodes.Address, error) {
	var b gtdBody
	jsonErr := json.Unmarshal(body, &b)
	switch {
	case (status == http.StatusOK || status == http.StatusNotFound) && jsonErr == nil && b.Status == "no_match":
		return postcodes.Address{}, &UnknownError{Postcode: pc, Provider: p.name, Reason: "no_match"}
	case status != http.StatusOK:
		return postcodes.Address{}, fmt.Errorf("HTTP %d: %s", status, snippet(body))
	case jsonErr != nil:
		return postcodes.Address{}, fmt.Errorf("malformed JSON: %w", jsonErr)
	case b.Status != "match" || b.Data == nil:
		return postcodes.Address{}, fmt.Errorf("malformed answer: status %q", b.Status)
	}
	return addressFrom(p.name, pc, b.Data.Postcode, "", "", b.Data.Country, b.Data.Latitude, b.Data.Longitude)
}

// ---- shared ----

// addressFrom checks the provider answered for the postcode we asked about
// (a confused or lying provider counts as failed) and builds the Address.
func addressFrom(provider, asked, got, district, region, country string, lat, long flexFloat) (postcodes.Address, error) {
	norm, err := postcodes.Normalise(got)
	if err != nil || norm != asked {
		return postcodes.Address{}, fmt.Errorf("provider %s answered for %q, not %q", provider, got, asked)
	}
	return postcodes.NewAddress(asked, district, region, country, float64(lat), float64(long)), nil
}

// flexFloat decodes a JSON number, a numeric string or null (as 0): the
// providers disagree on how to spell coordinates.
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("coordinate %s: %w", b, err)
	}
	*f = flexFloat(v)
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func snippet(b []byte) string {
	const n = 80
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strconv.Quote(s)
}
