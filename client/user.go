package client

import "regexp"

// Role is what a logged-in user may do.
type Role int

const (
	// Guest is any other name: Just Hungry only.
	Guest Role = iota
	// Customer is a DEMS customer id (e.g. MTLC1234): customer operations.
	Customer
	// Manager is a DEMS manager id (e.g. MTLM0001): every operation, and
	// customer operations on behalf of a customer.
	Manager
)

func (r Role) String() string {
	switch r {
	case Customer:
		return "customer"
	case Manager:
		return "manager"
	}
	return "Just Hungry user"
}

// demsID is SPEC §3's user id: city, role letter, four digits.
var demsID = regexp.MustCompile(`^(MTL|QUE|SHE)([CM])[0-9]{4}$`)

// RoleOf says which role a user id has.
func RoleOf(id string) Role {
	m := demsID.FindStringSubmatch(id)
	switch {
	case m == nil:
		return Guest
	case m[2] == "M":
		return Manager
	}
	return Customer
}

// IsCustomerID reports whether id is a DEMS customer id.
func IsCustomerID(id string) bool { return RoleOf(id) == Customer }
