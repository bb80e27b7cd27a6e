// Package omni holds the omniORB interoperability kit: C++ sources (cpp/) for
// an omniORB Bench::Echo server, a checking client and a load client, which
// the tests build with omniidl and g++; a recording TCP relay used to capture
// the golden GIOP vectors in giop/testdata/golden; and the interop tests and
// benchmark that run omniORB against concord's ORB.
package omni
