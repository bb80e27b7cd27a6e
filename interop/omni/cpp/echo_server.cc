// omniORB C++ server for Bench::Echo (plus Probe::Target for golden vectors).
//
// Usage: echo_server -ior FILE [-refs FILE] [-ORB... options]
// Echo is activated in omniINSPOA under key "Echo" so that
// corbaloc:iiop:HOST:PORT/Echo reaches it; Probe under key "Probe"; a
// servant-locator POA forwards every call on the "Fwd" reference to Echo
// (a LOCATION_FORWARD reply). -ior gets Echo's IOR; -refs gets lines
// "name IOR:..." for echo, probe and fwd. "READY" on stdout means serving.
#include <omniORB4/CORBA.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench.hh"
#include "probe.hh"

class EchoImpl : public POA_Bench::Echo {
public:
  void ping() {}
  CORBA::Long add(CORBA::Long a, CORBA::Long b) {
    // Wrap like the Go side: unsigned arithmetic avoids C++ signed overflow.
    return (CORBA::Long)((CORBA::ULong)a + (CORBA::ULong)b);
  }
  char* echoString(const char* s) { return CORBA::string_dup(s); }
};

class ProbeImpl : public POA_Probe::Target {
public:
  void failUser(CORBA::Long code) {
    throw Probe::Refused(code, "refused by probe");
  }
  void failSystem(CORBA::ULong minor) {
    throw CORBA::BAD_PARAM(minor, CORBA::COMPLETED_NO);
  }
  void note(const char*) {}
  void slow(CORBA::ULong ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
};

// Forwarder answers every request on its POA with a LOCATION_FORWARD to target.
class Forwarder : public POA_PortableServer::ServantLocator {
public:
  explicit Forwarder(CORBA::Object_ptr target) : target_(CORBA::Object::_duplicate(target)) {}
  PortableServer::Servant preinvoke(const PortableServer::ObjectId&, PortableServer::POA_ptr,
                                    const char*, PortableServer::ServantLocator::Cookie&) {
    throw PortableServer::ForwardRequest(target_);
  }
  void postinvoke(const PortableServer::ObjectId&, PortableServer::POA_ptr, const char*,
                  PortableServer::ServantLocator::Cookie, PortableServer::Servant) {}

private:
  CORBA::Object_var target_;
};

static bool writeFile(const char* path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.close();
  return !f.fail();
}

int main(int argc, char** argv) {
  try {
    CORBA::ORB_var orb = CORBA::ORB_init(argc, argv);
    const char* iorFile = 0;
    const char* refsFile = 0;
    for (int i = 1; i < argc; i++) {
      if (!strcmp(argv[i], "-ior") && i + 1 < argc) {
        iorFile = argv[++i];
      } else if (!strcmp(argv[i], "-refs") && i + 1 < argc) {
        refsFile = argv[++i];
      } else {
        std::cerr << "echo_server: unknown argument " << argv[i] << std::endl;
        return 2;
      }
    }
    if (!iorFile) {
      std::cerr << "usage: echo_server -ior FILE [-refs FILE] [-ORBoption value...]" << std::endl;
      return 2;
    }

    CORBA::Object_var obj = orb->resolve_initial_references("omniINSPOA");
    PortableServer::POA_var ins = PortableServer::POA::_narrow(obj);
    obj = orb->resolve_initial_references("RootPOA");
    PortableServer::POA_var root = PortableServer::POA::_narrow(obj);

    EchoImpl* echo = new EchoImpl;
    PortableServer::ObjectId_var echoID = PortableServer::string_to_ObjectId("Echo");
    ins->activate_object_with_id(echoID, echo);
    CORBA::Object_var echoRef = ins->id_to_reference(echoID);

    ProbeImpl* probe = new ProbeImpl;
    PortableServer::ObjectId_var probeID = PortableServer::string_to_ObjectId("Probe");
    ins->activate_object_with_id(probeID, probe);
    CORBA::Object_var probeRef = ins->id_to_reference(probeID);

    CORBA::PolicyList pl;
    pl.length(3);
    pl[0] = root->create_request_processing_policy(PortableServer::USE_SERVANT_MANAGER);
    pl[1] = root->create_servant_retention_policy(PortableServer::NON_RETAIN);
    pl[2] = root->create_id_assignment_policy(PortableServer::USER_ID);
    PortableServer::POA_var fwdPOA = root->create_POA("fwd", root->the_POAManager(), pl);
    Forwarder* fwd = new Forwarder(echoRef);
    PortableServer::ServantLocator_var loc = fwd->_this();
    fwdPOA->set_servant_manager(loc);
    PortableServer::ObjectId_var fwdID = PortableServer::string_to_ObjectId("Fwd");
    CORBA::Object_var fwdRef = fwdPOA->create_reference_with_id(fwdID, "IDL:Bench/Echo:1.0");

    ins->the_POAManager()->activate();
    root->the_POAManager()->activate();

    CORBA::String_var echoIOR = orb->object_to_string(echoRef);
    CORBA::String_var probeIOR = orb->object_to_string(probeRef);
    CORBA::String_var fwdIOR = orb->object_to_string(fwdRef);
    if (refsFile) {
      std::string refs = std::string("echo ") + (const char*)echoIOR + "\nprobe " +
                         (const char*)probeIOR + "\nfwd " + (const char*)fwdIOR + "\n";
      if (!writeFile(refsFile, refs)) {
        std::cerr << "echo_server: cannot write " << refsFile << std::endl;
        return 1;
      }
    }
    // The IOR file is written last: its presence means every reference is ready.
    if (!writeFile(iorFile, std::string((const char*)echoIOR) + "\n")) {
      std::cerr << "echo_server: cannot write " << iorFile << std::endl;
      return 1;
    }
    std::cout << "READY" << std::endl;
    orb->run();
    orb->destroy();
  } catch (CORBA::SystemException& ex) {
    std::cerr << "echo_server: CORBA system exception " << ex._name() << " minor " << ex.minor() << std::endl;
    return 1;
  } catch (CORBA::Exception& ex) {
    std::cerr << "echo_server: CORBA exception " << ex._name() << std::endl;
    return 1;
  }
  return 0;
}
