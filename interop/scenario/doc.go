// Package scenario runs the shared interop scenario files
// (interop/java/scenarios/*.txt) with the generated Go stubs and prints the
// canonical transcript, byte for byte the form of interop/java's Canon.java
// and interop/python's canon.py, so every ORB's client can be compared with
// the Go client's answers for the same scenario.
//
// Script format, one call a line ('#' starts a comment line):
//
//	[NAME =] SERVICE OPERATION ARG...
//
// An ARG is a bare word or a "quoted string" (escapes \" \\ \uXXXX), an
// integer, an enum label, order lines [itemId:qty,...], or $NAME.field, a
// string field of an earlier call's result.
//
// Transcript lines: "Service.op(args) -> result", "... -> raises
// Module::Exception(reason=Label)", "... -> system CORBA::NAME" or
// "Service.op -> error MESSAGE" (a script error, e.g. $x after x failed).
package scenario
