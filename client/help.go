package client

import "strings"

// Syntax documents the command language, for --help and the README.
func Syntax() string {
	var b strings.Builder
	b.WriteString(`Commands (one a line; arguments separated by blanks; "quote" an argument
with blanks, escapes \" \\ \uXXXX; # starts a comment):
`)
	rows := make([][]string, 0, len(Specs))
	for _, s := range Specs {
		rows = append(rows, []string{"  " + s.Usage(), who(s.Need), s.Summary})
	}
	b.WriteString(table([]string{"  COMMAND", "WHO", "WHAT IT DOES"}, rows))
	b.WriteString(`

TYPE is Conferences, Seminars or TradeShows. Customer operations act for the
logged-in customer, or for the customer a manager named with "for". Just
Hungry operations act for the logged-in name.
`)
	return b.String()
}

func who(n Need) string {
	switch n {
	case LoggedIn:
		return "any user"
	case CustomerSide:
		return "customer"
	case ManagerOnly:
		return "manager"
	}
	return "anyone"
}
