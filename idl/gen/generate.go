// Package gen holds the Go packages generated from the project's IDL files.
// Run "go generate ./idl/gen" (or "go generate ./...") after changing an
// .idl file; CI regenerates and fails on any difference.
package gen

//go:generate go run concord/cmd/concord idl -o . --package-prefix concord/idl/gen ../bench.idl ../dems.idl ../justhungry.idl
//go:generate go run concord/cmd/concord idl -o internal --package-prefix concord/idl/gen/internal ../testdata/alltypes.idl
