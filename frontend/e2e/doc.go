// Package e2e holds the end-to-end tests of a whole cluster run as real
// processes (sequencer, replica managers with their replica processes,
// front end, postcode service) on loopback, called by CORBA clients.
package e2e
