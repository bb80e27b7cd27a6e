package client

import (
	"context"
	"fmt"
	"net"
	"strings"

	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/idl/gen/dems"
	"concord/idl/gen/justhungry"
)

// DefaultFE is where `concord up` serves the front end.
const DefaultFE = "127.0.0.1:2809"

// Services are the two services a session calls (nil: not available).
type Services struct {
	DEMS       dems.EventManagement
	JustHungry justhungry.FoodOrdering
}

// Connect finds the services from --fe's value:
//   - HOST:PORT, or a corbaloc with no object key: the front end's objects
//     DEMS and JustHungry by key;
//   - an IOR of DEMS::EventManagement or JustHungry::FoodOrdering: that one
//     service only;
//   - any other IOR or corbaloc: a naming service, where "DEMS" and
//     "JustHungry" are resolved.
func Connect(ctx context.Context, c *orb.Client, fe string) (Services, error) {
	fe = strings.TrimSpace(fe)
	if fe == "" {
		fe = DefaultFE
	}
	if direct, ok := frontEndBase(fe); ok {
		return byKey(c, direct)
	}
	ref, err := c.StringToObject(fe)
	if err != nil {
		return Services{}, fmt.Errorf("--fe %q: %w", fe, err)
	}
	if r := ref.IOR(); r != nil {
		switch r.TypeID {
		case dems.EventManagementRepositoryID:
			return Services{DEMS: dems.NewEventManagementStub(ref)}, nil
		case justhungry.FoodOrderingRepositoryID:
			return Services{JustHungry: justhungry.NewFoodOrderingStub(ref)}, nil
		}
	}
	var s Services
	d, err := resolve(ctx, c, ref, "DEMS")
	if err != nil {
		return Services{}, err
	}
	j, err := resolve(ctx, c, ref, "JustHungry")
	if err != nil {
		return Services{}, err
	}
	s.DEMS, s.JustHungry = dems.NewEventManagementStub(d), justhungry.NewFoodOrderingStub(j)
	return s, nil
}

// frontEndBase returns "corbaloc:iiop:1.2@HOST:PORT/" when fe names the front
// end itself rather than an object.
func frontEndBase(fe string) (string, bool) {
	if !strings.HasPrefix(strings.ToLower(fe), "corbaloc:") && !strings.HasPrefix(fe, "IOR:") {
		if _, _, err := net.SplitHostPort(fe); err == nil {
			return "corbaloc:iiop:1.2@" + fe + "/", true
		}
		return "", false
	}
	if strings.HasPrefix(strings.ToLower(fe), "corbaloc:") {
		if i := strings.IndexByte(fe, '/'); i < 0 || i == len(fe)-1 {
			return strings.TrimSuffix(fe, "/") + "/", true
		}
	}
	return "", false
}

func byKey(c *orb.Client, base string) (Services, error) {
	d, err := c.StringToObject(base + "DEMS")
	if err != nil {
		return Services{}, fmt.Errorf("--fe: %w", err)
	}
	j, err := c.StringToObject(base + "JustHungry")
	if err != nil {
		return Services{}, fmt.Errorf("--fe: %w", err)
	}
	return Services{DEMS: dems.NewEventManagementStub(d), JustHungry: justhungry.NewFoodOrderingStub(j)}, nil
}

// resolve asks a CosNaming context for a name with resolve_str.
func resolve(ctx context.Context, c *orb.Client, nc *orb.ObjectRef, name string) (*orb.ObjectRef, error) {
	var r *ior.IOR
	err := nc.Invoke(ctx, "resolve_str", func(e *cdr.Encoder) { e.WriteString(name) }, func(d *cdr.Decoder) error {
		var err error
		r, err = ior.Unmarshal(d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("resolving %q in the naming service: %s", name, ErrorText(err))
	}
	if r.IsNil() {
		return nil, fmt.Errorf("resolving %q in the naming service: nil reference", name)
	}
	return c.Object(r)
}
