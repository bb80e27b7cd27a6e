package ior

import "testing"

func FuzzParse(f *testing.F) {
	f.Add(New("IDL:Bench/Echo:1.0", Address{"127.0.0.1", 2809}, []byte("Echo")).String())
	f.Add("IOR:00000000000000010000000000000000")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			return
		}
		_, _ = r.IIOPProfiles()
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("re-parse of a parsed IOR failed: %v", err)
		}
		if again.String() != r.String() {
			t.Fatalf("round trip changed the IOR")
		}
	})
}

func FuzzParseCorbaloc(f *testing.F) {
	f.Add("corbaloc:iiop:1.2@127.0.0.1:2809/NameService")
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseCorbaloc(s) })
}
