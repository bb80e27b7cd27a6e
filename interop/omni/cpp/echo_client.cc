// omniORB C++ client for Bench::Echo and Probe::Target: runs the listed
// operations against one reference and exits non-zero on the first wrong
// result, so a test can drive a server and trust the exit code.
//
// Usage: echo_client [-ORB... options] REF OP...
// REF is "IOR:..." or "corbaloc:...". OPs:
//   ping | add | small | big[:N] (echoString of N bytes, default 100000)
//   isa | nonexist | locate (GIOP LocateRequest) | sleep:MS
//   noobj (ping must raise OBJECT_NOT_EXIST)
//   badop (REF is a Probe::Target: Echo's ping must raise BAD_OPERATION)
//   user | system | oneway | timeout (REF must be a Probe::Target)
#include <omniORB4/CORBA.h>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "bench.hh"
#include "probe.hh"

// omniObjRef::_locateRequest is protected; naming it through a derived class
// yields a member pointer usable on any reference (standard C++ access rules).
struct LocateAccess : omniObjRef {
  static void locate(omniObjRef* r) { (r->*(&LocateAccess::_locateRequest))(); }
};

static int failures = 0;

static void fail(const std::string& what) {
  std::cout << "FAIL " << what << std::endl;
  failures++;
}

static std::string pattern(size_t n) {
  std::string s(n, 'a');
  for (size_t i = 0; i < n; i++) s[i] = (char)('a' + (i * 7 + i / 26) % 26);
  return s;
}

static void echoCheck(Bench::Echo_ptr e, const std::string& in, const char* label) {
  CORBA::String_var out = e->echoString(in.c_str());
  if (in != (const char*)out) {
    fail(std::string("echoString ") + label + ": got " + std::to_string(strlen(out)) + " bytes, want " +
         std::to_string(in.size()));
    return;
  }
  std::cout << "echoString " << label << " ok (" << in.size() << " bytes)" << std::endl;
}

// runOp runs one op. e and p are narrowed once per process: omniORB verifies
// a new reference's existence (a LocateRequest) before its first call only.
static void runOp(CORBA::Object_ptr obj, Bench::Echo_ptr e, Probe::Target_ptr p, const std::string& op) {
  if (op == "ping") {
    e->ping();
    std::cout << "ping ok" << std::endl;
  } else if (op == "add") {
    struct { CORBA::Long a, b, want; } cases[] = {{2, 3, 5}, {-7, 40, 33}, {0, 0, 0}};
    for (auto& c : cases) {
      CORBA::Long got = e->add(c.a, c.b);
      if (got != c.want) {
        fail("add(" + std::to_string(c.a) + "," + std::to_string(c.b) + ") = " + std::to_string(got));
        return;
      }
    }
    std::cout << "add ok" << std::endl;
  } else if (op == "small") {
    echoCheck(e, "", "empty");
    echoCheck(e, "hello, world", "small");
    echoCheck(e, pattern(1000), "1000");
  } else if (op.rfind("big", 0) == 0) {
    size_t n = 100000;
    if (op.size() > 4 && op[3] == ':') n = strtoul(op.c_str() + 4, 0, 10);
    echoCheck(e, pattern(n), "big");
  } else if (op == "isa") {
    if (!obj->_is_a("IDL:Bench/Echo:1.0")) fail("_is_a(IDL:Bench/Echo:1.0) is false");
    if (obj->_is_a("IDL:Other/Thing:1.0")) fail("_is_a(IDL:Other/Thing:1.0) is true");
    std::cout << "isa ok" << std::endl;
  } else if (op == "nonexist") {
    if (obj->_non_existent()) fail("_non_existent is true");
    else std::cout << "nonexist ok" << std::endl;
  } else if (op == "locate") {
    LocateAccess::locate(obj->_PR_getobj());
    std::cout << "locate ok" << std::endl;
  } else if (op.rfind("sleep:", 0) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(atoi(op.c_str() + 6)));
    std::cout << "slept" << std::endl;
  } else if (op == "noobj") {
    try {
      e->ping();
      fail("ping on a missing object succeeded");
    } catch (CORBA::OBJECT_NOT_EXIST&) {
      std::cout << "noobj ok" << std::endl;
    }
  } else if (op == "badop") {
    try {
      e->ping();
      fail("ping on a Probe::Target succeeded");
    } catch (CORBA::BAD_OPERATION&) {
      std::cout << "badop ok" << std::endl;
    }
  } else if (op == "user") {
    try {
      p->failUser(7);
      fail("failUser did not raise");
    } catch (Probe::Refused& r) {
      if (r.code != 7 || strcmp(r.reason, "refused by probe") != 0) fail("Refused has wrong fields");
      else std::cout << "user ok" << std::endl;
    }
  } else if (op == "system") {
    try {
      p->failSystem(42);
      fail("failSystem did not raise");
    } catch (CORBA::BAD_PARAM& ex) {
      if (ex.minor() != 42) fail("BAD_PARAM minor " + std::to_string(ex.minor()));
      else std::cout << "system ok" << std::endl;
    }
  } else if (op == "timeout") {
    // Run with -ORBclientCallTimeOutPeriod below 500 ms: the call must time out.
    try {
      p->slow(500);
      fail("slow(500) did not time out");
    } catch (CORBA::TRANSIENT&) {
      std::cout << "timeout ok" << std::endl;
    } catch (CORBA::TIMEOUT&) {
      std::cout << "timeout ok" << std::endl;
    }
  } else if (op == "oneway") {
    p->note("fire and forget");
    std::cout << "oneway ok" << std::endl;
  } else {
    fail("unknown op " + op);
  }
}

int main(int argc, char** argv) {
  try {
    CORBA::ORB_var orb = CORBA::ORB_init(argc, argv);
    if (argc < 3) {
      std::cerr << "usage: echo_client [-ORBoption value...] REF OP..." << std::endl;
      return 2;
    }
    CORBA::Object_var obj = orb->string_to_object(argv[1]);
    if (CORBA::is_nil(obj)) {
      std::cerr << "echo_client: nil reference" << std::endl;
      return 2;
    }
    Bench::Echo_var e = Bench::Echo::_unchecked_narrow(obj);
    Probe::Target_var p = Probe::Target::_unchecked_narrow(obj);
    for (int i = 2; i < argc && failures == 0; i++) runOp(obj, e, p, argv[i]);
    orb->destroy();
  } catch (CORBA::SystemException& ex) {
    std::cout << "FAIL CORBA system exception " << ex._name() << " minor " << ex.minor() << std::endl;
    return 1;
  } catch (CORBA::Exception& ex) {
    std::cout << "FAIL CORBA exception " << ex._name() << std::endl;
    return 1;
  }
  if (failures) return 1;
  std::cout << "ALL OK" << std::endl;
  return 0;
}
