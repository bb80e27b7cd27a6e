// Package cdr implements OMG Common Data Representation (CORBA 3.x, chapter 9
// of the interoperability part): every IDL primitive type in both byte orders,
// alignment counted from an origin (the start of the GIOP message, or of an
// encapsulation), strings under a negotiated char code set, wstrings under the
// GIOP 1.0/1.1 and 1.2 rules, sequences and encapsulations.
//
// Encoder and Decoder keep the first error ("sticky") so generated marshalling
// code can read a whole struct and check once. A Decoder never trusts a length
// read from the wire: a string or sequence longer than the bytes left is a
// MARSHAL error, not an allocation.
package cdr
