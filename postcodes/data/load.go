package data

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Format names a CSV layout Load understands.
type Format string

const (
	// FormatSample is the product's own layout, with a header naming
	// postcode, town, admin_district, region, country, latitude, longitude
	// (only postcode, latitude and longitude are required). A row whose
	// postcode is an outward code alone ("M1") describes that outward code.
	FormatSample Format = "sample"
	// FormatONS is the ONS Postcode Directory: a header with pcds (or pcd),
	// lat and long, plus optional doterm, oslaua/ladNNcd, rgn, ctry,
	// oseast1m and osnrth1m. Terminated postcodes are skipped.
	FormatONS Format = "onspd"
	// FormatCodePoint is OS Code-Point Open: no header; postcode, quality,
	// eastings, northings, country code, two NHS codes, county, district,
	// ward. Latitude/longitude are converted from the eastings/northings.
	FormatCodePoint Format = "codepoint"
)

// LineError reports a bad input line; Line counts from 1 as editors do.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Formats lists the formats ParseFormat accepts, for help texts.
var Formats = []Format{FormatSample, FormatONS, FormatCodePoint}

// ParseFormat reads a format name as given on a command line; "" and "auto"
// give "" (detect from the file).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", "auto":
		return "", nil
	case "ons":
		return FormatONS, nil
	case FormatSample, FormatONS, FormatCodePoint:
		return f, nil
	}
	return "", fmt.Errorf("unknown data format %q (want auto, %s, %s or %s)", s, FormatSample, FormatONS, FormatCodePoint)
}

// LoadFile loads a CSV file in any supported format.
func LoadFile(path string) (*Dataset, Format, error) {
	return LoadFileAs(path, "")
}

// LoadFileAs loads a CSV file that must be in format want ("" detects it).
func LoadFileAs(path string, want Format) (*Dataset, Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	ds, format, err := LoadAs(f, want)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return ds, format, nil
}

// Load reads a CSV, detects its format from the first line and indexes it.
// Any malformed line stops the load with a *LineError naming the line.
func Load(r io.Reader) (*Dataset, Format, error) {
	return LoadAs(r, "")
}

// LoadAs is Load for a file that must be in format want ("" detects it): a
// file that is not is refused on line 1 rather than misread.
func LoadAs(r io.Reader, want Format) (*Dataset, Format, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.FieldsPerRecord = -1 // each format checks its own column counts
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, "", errors.New("empty CSV")
	}
	if err != nil {
		return nil, "", csvError(err)
	}
	header := make([]string, len(first))
	for i, h := range first {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	cols := map[string]int{}
	for i, h := range header {
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}

	b := newBuilder()
	p := &parser{b: b, intern: map[string]string{}, width: len(header)}
	var format Format
	var row func([]string) error
	switch {
	case want != "" && want != detect(cols, first):
		err = fmt.Errorf("not a %s file (the first line looks like %s)", want, describe(detect(cols, first)))
	case has(cols, "pcds") || has(cols, "pcd"):
		format, row, err = FormatONS, p.onsRow, p.onsColumns(cols)
	case has(cols, "postcode"):
		format, row, err = FormatSample, p.sampleRow, p.sampleColumns(cols)
	case looksLikeCodePoint(first):
		format, row = FormatCodePoint, p.codePointRow
		if err = row(first); err != nil {
			return nil, "", &LineError{Line: 1, Err: err}
		}
	default:
		err = errors.New("unrecognised CSV: want a header with postcode (sample), pcds (ONS Postcode Directory), or headerless Code-Point Open rows")
	}
	if err != nil {
		return nil, "", &LineError{Line: 1, Err: err}
	}

	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", csvError(err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if err := row(rec); err != nil {
			line, _ := cr.FieldPos(0)
			return nil, "", &LineError{Line: line, Err: err}
		}
	}
	return b.build(), format, nil
}

func has(cols map[string]int, name string) bool { _, ok := cols[name]; return ok }

// detect names the format the first line announces ("" for none).
func detect(cols map[string]int, first []string) Format {
	switch {
	case has(cols, "pcds") || has(cols, "pcd"):
		return FormatONS
	case has(cols, "postcode"):
		return FormatSample
	case looksLikeCodePoint(first):
		return FormatCodePoint
	}
	return ""
}

func describe(f Format) string {
	if f == "" {
		return "no supported format"
	}
	return string(f)
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

func looksLikeCodePoint(rec []string) bool {
	if len(rec) < 4 {
		return false
	}
	_, errE := strconv.Atoi(strings.TrimSpace(rec[2]))
	_, errN := strconv.Atoi(strings.TrimSpace(rec[3]))
	return errE == nil && errN == nil
}
