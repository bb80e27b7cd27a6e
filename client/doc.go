// Package client is the logic of `concord client`, the text interface for
// DEMS customers and managers and Just Hungry users: users and what they may
// do (user.go), the command language (command.go), running a command
// against the services (session.go), readable output (format.go), the
// per-user log (log.go), and the interactive menu and batch modes (menu.go,
// batch.go). It talks to the services through the generated interfaces, so
// tests can run it against fakes as well as a real cluster.
package client
