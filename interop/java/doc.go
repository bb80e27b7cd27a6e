// Package javainterop holds the tests that drive the Java clients and server
// of interop/java (a Maven project: JacORB 3.9 and the GlassFish ORB, stubs
// generated from idl/*.idl) against concord, and concord's Go client against
// a JacORB server. See README.md.
package javainterop
