package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFormat(t *testing.T) {
	cases := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"", "", false},
		{"auto", "", false},
		{"Sample", FormatSample, false},
		{"onspd", FormatONS, false},
		{"ons", FormatONS, false},
		{"codepoint", FormatCodePoint, false},
		{"xlsx", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFormat(tc.in)
			if tc.wantErr {
				assert.ErrorContains(t, err, "unknown data format")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLoadAs(t *testing.T) {
	const (
		sample    = "postcode,latitude,longitude\nSW1A 1AA,51.501009,-0.141563\n"
		ons       = "pcds,lat,long\nSW1A 1AA,51.501009,-0.141563\n"
		codePoint = "\"SW1A1AA\",10,529090,179645\n"
	)
	cases := []struct {
		name, csv string
		want      Format
		wantErr   string
	}{
		{"sample as sample", sample, FormatSample, ""},
		{"ONS as ONS", ons, FormatONS, ""},
		{"Code-Point as Code-Point", codePoint, FormatCodePoint, ""},
		{"auto detects", ons, "", ""},
		{"ONS given as sample", ons, FormatSample, "not a sample file (the first line looks like onspd)"},
		{"sample given as Code-Point", sample, FormatCodePoint, "not a codepoint file (the first line looks like sample)"},
		{"junk given as ONS", "a,b\n1,2\n", FormatONS, "looks like no supported format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds, got, err := LoadAs(strings.NewReader(tc.csv), tc.want)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Contains(t, err.Error(), "line 1")
				return
			}
			require.NoError(t, err)
			if tc.want != "" {
				assert.Equal(t, tc.want, got)
			}
			_, ok := ds.Postcode("SW1A 1AA")
			assert.True(t, ok)
		})
	}

	path := filepath.Join(t.TempDir(), "ons.csv")
	require.NoError(t, os.WriteFile(path, []byte(ons), 0o600))
	_, _, err := LoadFileAs(path, FormatCodePoint)
	assert.ErrorContains(t, err, path+": line 1:")
}
