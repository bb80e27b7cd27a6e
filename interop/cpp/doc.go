// Package cppinterop holds the omniORB C++ interop scenario: src/scenario.cc
// (with canon.cc and script.cc) runs the shared scenario file
// (interop/java/scenarios/services.txt) against DEMS and Just Hungry found
// through the front end's naming service and prints the canonical
// transcript, which the tests compare byte for byte with the golden one.
// There is no Go code outside the tests, which build the C++ themselves.
// By hand (Debian's omniidl: a pip omniidl targets newer headers):
//
//	/usr/bin/omniidl -bcxx -Wba idl/dems.idl
//	/usr/bin/omniidl -bcxx -Wba idl/justhungry.idl
//	g++ -std=c++17 -pthread -I. -o scenario interop/cpp/src/*.cc \
//	    demsSK.cc demsDynSK.cc justhungrySK.cc justhungryDynSK.cc \
//	    $(pkg-config --cflags --libs omniDynamic4)
//	./scenario -ORBInitRef NameService=corbaloc:iiop:1.2@127.0.0.1:2809/NameService \
//	    interop/java/scenarios/services.txt
package cppinterop
