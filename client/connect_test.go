package client

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFrontEndBase(t *testing.T) {
	for _, tc := range []struct {
		name, fe, want string
		direct         bool
	}{
		{"host:port", "127.0.0.1:2809", "corbaloc:iiop:1.2@127.0.0.1:2809/", true},
		{"corbaloc without key", "corbaloc:iiop:1.2@127.0.0.1:2809", "corbaloc:iiop:1.2@127.0.0.1:2809/", true},
		{"corbaloc with empty key", "corbaloc:iiop:1.0@h:1/", "corbaloc:iiop:1.0@h:1/", true},
		{"corbaloc of the naming service", "corbaloc:iiop:1.2@127.0.0.1:2809/NameService", "", false},
		{"IOR", "IOR:000000", "", false},
		{"garbage", "not an address", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := frontEndBase(tc.fe)
			assert.Equal(t, tc.direct, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}
