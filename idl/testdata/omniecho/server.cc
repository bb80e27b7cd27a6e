// An omniORB C++ server for AllTypes::Widget (idl/testdata/alltypes.idl)
// that echoes every value back, so the Go stubs' marshalling is checked
// against omniidl's. It prints its IOR on stdout, then serves until killed.
#include <iostream>
#include <string.h>
#include "alltypes.hh"

class WidgetImpl : public POA_AllTypes::Widget {
public:
  WidgetImpl() : label_(CORBA::string_dup("")) {}
  CORBA::Long version() { return 7; }
  char* label() { return CORBA::string_dup(label_); }
  void label(const char* v) { label_ = CORBA::string_dup(v); }
  CORBA::Long add(CORBA::Long a, CORBA::Long b) { return a + b; }
  AllTypes::Basics* echoBasics(const AllTypes::Basics& v) { return new AllTypes::Basics(v); }
  AllTypes::Containers* echoContainers(const AllTypes::Containers& v) { return new AllTypes::Containers(v); }
  AllTypes::Tree* echoTree(const AllTypes::Tree& v) { return new AllTypes::Tree(v); }
  AllTypes::ByLong* echoByLong(const AllTypes::ByLong& v) { return new AllTypes::ByLong(v); }
  AllTypes::ByColor* echoByColor(const AllTypes::ByColor& v) { return new AllTypes::ByColor(v); }
  AllTypes::ByBool* echoByBool(const AllTypes::ByBool& v) { return new AllTypes::ByBool(v); }
  AllTypes::ByChar* echoByChar(const AllTypes::ByChar& v) { return new AllTypes::ByChar(v); }
  void split(const char* whole, CORBA::String_out head, CORBA::Long& count) {
    const char* sp = strchr(whole, ' ');
    size_t n = sp ? (size_t)(sp - whole) : strlen(whole);
    char* h = CORBA::string_alloc(n);
    memcpy(h, whole, n);
    h[n] = 0;
    head = h;
    count += 1;
  }
  void notify(const char*) {}
  void fail(CORBA::Long code) {
    if (code == 0) throw AllTypes::Empty();
    if (code == 1) throw CORBA::NO_PERMISSION(0, CORBA::COMPLETED_NO);
    throw AllTypes::Failure(code, "asked to");
  }
  AllTypes::Widget_ptr self() { return _this(); }
  AllTypes::Nested::Leaf leaf(const AllTypes::Nested::Leaf& l) {
    AllTypes::Nested::Leaf r = l;
    r.depth += 1;
    return r;
  }

private:
  CORBA::String_var label_;
};

int main(int argc, char** argv) {
  try {
    CORBA::ORB_var orb = CORBA::ORB_init(argc, argv);
    CORBA::Object_var obj = orb->resolve_initial_references("RootPOA");
    PortableServer::POA_var poa = PortableServer::POA::_narrow(obj);
    WidgetImpl* impl = new WidgetImpl();
    PortableServer::ObjectId_var id = poa->activate_object(impl);
    CORBA::Object_var ref = impl->_this();
    CORBA::String_var ior = orb->object_to_string(ref);
    std::cout << ior << std::endl;
    PortableServer::POAManager_var mgr = poa->the_POAManager();
    mgr->activate();
    orb->run();
  } catch (CORBA::Exception& e) {
    std::cerr << "omniecho: CORBA exception " << e._name() << std::endl;
    return 1;
  }
  return 0;
}
