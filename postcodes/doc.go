// Package postcodes holds what every part of the postcode component shares:
// UK postcode normalisation and format validation, and the Address value the
// lookup adapter returns and the replicas store.
//
// Sub-packages: data (CSV loaders and the embedded sample), server (the
// postcodes.io-compatible HTTP service), lookup (the fault-tolerant client).
package postcodes
