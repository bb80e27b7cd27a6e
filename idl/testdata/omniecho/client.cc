// An omniORB C++ client for AllTypes::Widget (idl/testdata/alltypes.idl):
// it sends every type to an echoing server (the Go ORB in
// idl/gen/internal/alltypes/omniclient_test.go) and checks what comes back,
// so the Go skeletons' marshalling is checked against omniidl's stubs.
//
// Usage: omniclient REFERENCE GIOP-VERSION [ONEWAY-EVENT]
// GIOP-VERSION is 1.0 or 1.2: GIOP 1.0 cannot carry wchar/wstring, so there
// the calls with wide data must be refused instead of echoed.
// Prints "OK name" or "FAIL name: why" per check and "checks N failed M" at
// the end; exits 1 if any check failed.
#include <iostream>
#include <sstream>
#include <string.h>
#include "alltypes.hh"

static int checks = 0, failures = 0;

static void check(const std::string& name, bool ok, const std::string& why = "") {
  checks++;
  if (ok) {
    std::cout << "OK " << name << std::endl;
  } else {
    failures++;
    std::cout << "FAIL " << name << ": " << (why.empty() ? "mismatch" : why) << std::endl;
  }
}

// same compares two values by their CDR encoding in omniORB's own
// marshaller: equal values encode to equal bytes, whatever the type.
template <class T> static bool same(const T& a, const T& b) {
  // Zeroed and big enough not to grow, so padding bytes compare equal.
  cdrMemoryStream x((CORBA::ULong)4096, 1), y((CORBA::ULong)4096, 1);
  a >>= x;
  b >>= y;
  return x.bufSize() == y.bufSize() && memcmp(x.bufPtr(), y.bufPtr(), x.bufSize()) == 0;
}

static bool wsame(const CORBA::WChar* a, const CORBA::WChar* b) {
  if (!a || !b) return a == b;
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

// echo calls op(in) and checks the result equals in; on GIOP 1.0 with wide
// data it expects the call to be refused with a system exception instead.
template <class T, class Op> static void echo(const std::string& name, const T& in, Op op, bool refused) {
  try {
    T out = op(in);
    check(name, !refused && same(in, out), refused ? "wide data echoed over GIOP 1.0" : "");
  } catch (CORBA::SystemException& e) {
    check(refused ? name + " refused with " + e._name() : name, refused, std::string("system exception ") + e._name());
  } catch (CORBA::Exception& e) {
    check(name, false, std::string("exception ") + e._name());
  }
}

static AllTypes::Basics fullBasics() {
  AllTypes::Basics b;
  b.s = -1;
  b.us = 65535;
  b.l = -100000;
  b.ul = 4000000000UL;
  b.ll = -(CORBA::LongLong(1) << 40);
  b.ull = CORBA::ULongLong(1) << 63;
  b.f = 1.5f;
  b.d = -2.5e100;
  b.b = 1;
  b.c = 'x';
  b.wc = 0xe9;                          // é
  b.o = 200;
  b.str = (const char*)"h\xe9llo";       // ISO-8859-1, omniORB's native char set
  b.wstr = (const CORBA::WChar*)L"wide \u2713";
  return b;
}

static AllTypes::Basics zeroBasics() {
  AllTypes::Basics b;
  b.s = 0; b.us = 0; b.l = 0; b.ul = 0; b.ll = 0; b.ull = 0;
  b.f = 0; b.d = 0; b.b = 0; b.c = 0; b.wc = 0; b.o = 0;
  b.str = (const char*)"";
  b.wstr = (const CORBA::WChar*)L"";
  return b;
}

static AllTypes::Inner inner(const char* name, AllTypes::Color hue) {
  AllTypes::Inner i;
  i.name = name;
  i.hue = hue;
  return i;
}

static AllTypes::Containers sampleContainers() {
  AllTypes::Containers c;
  c.longs.length(3);
  c.longs[0] = 1; c.longs[1] = -2; c.longs[2] = 3;
  c.inners.length(2);
  c.inners[0] = inner("a", AllTypes::Red);
  c.inners[1] = inner("bb", AllTypes::Blue);
  c.bytes.length(4);
  c.bytes[0] = 0; c.bytes[1] = 1; c.bytes[2] = 2; c.bytes[3] = 255;
  c.blob.length(4);
  memcpy(c.blob.get_buffer(), "blob", 4);
  c.table.length(3);
  c.table[0].length(1);
  c.table[0][0] = (const char*)"x";
  c.table[2].length(2);
  c.table[2][0] = (const char*)"y";
  c.table[2][1] = (const char*)"z";
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) c.cells[i][j] = i * 3 + j + 1;
  c.paints[0] = AllTypes::Blue; c.paints[1] = AllTypes::Green; c.paints[2] = AllTypes::Red;
  c.wide = (const CORBA::WChar*)L"w\u00efde";
  c.nested[0] = inner("n1", AllTypes::Red);
  c.nested[1] = inner("n2", AllTypes::Green);
  c.colors.length(1);
  c.colors[0] = AllTypes::Green;
  c.where.x = 1.5;
  c.where.y = -2.25;
  return c;
}

static AllTypes::Tree leafTree(const char* label) {
  AllTypes::Tree t;
  t.label = label;
  return t;
}

static AllTypes::Tree sampleTree() {
  AllTypes::Tree t = leafTree("root");
  t.children.length(2);
  t.children[0] = leafTree("a");
  t.children[1] = leafTree("b");
  t.children[1].children.length(1);
  t.children[1].children[0] = leafTree("b1");
  return t;
}

// The calls with a variable-length result return a pointer the caller owns.
#define ECHO_VAR(Type, op)                                                                  \
  [&](const AllTypes::Type& v) { AllTypes::Type##_var r = w->op(v); return AllTypes::Type(r.in()); }

static void run(AllTypes::Widget_ptr w, bool giop10, const char* event) {
  // Attributes, including the inherited ones and an inherited operation.
  check("readonly attribute version", w->version() == 7);
  w->label("lbl");
  CORBA::String_var lbl = w->label();
  check("attribute label", strcmp(lbl, "lbl") == 0, std::string("got ") + lbl.in());
  check("inherited add", w->add(40, 2) == 42);

  // Basics: field by field too, so a failure names the field.
  {
    AllTypes::Basics in = fullBasics();
    if (giop10) {
      echo("echoBasics full", in, ECHO_VAR(Basics, echoBasics), true);
    } else {
      AllTypes::Basics_var out = w->echoBasics(in);
      check("echoBasics full", same(in, out.in()));
      check("echoBasics integers", out->s == in.s && out->us == in.us && out->l == in.l && out->ul == in.ul &&
                                       out->ll == in.ll && out->ull == in.ull && out->o == in.o);
      check("echoBasics floats", out->f == in.f && out->d == in.d);
      check("echoBasics boolean and char", out->b == in.b && out->c == in.c);
      check("echoBasics string", strcmp(out->str, in.str) == 0, std::string("got ") + out->str.in());
      check("echoBasics wchar", out->wc == in.wc);
      check("echoBasics wstring", wsame(out->wstr, in.wstr));
      echo("echoBasics zero", zeroBasics(), ECHO_VAR(Basics, echoBasics), false);
    }
  }

  // Containers: sequences (bounded, nested, of structs/enums), arrays,
  // a bounded wstring and a nested struct type.
  {
    AllTypes::Containers in = sampleContainers();
    if (giop10) {
      echo("echoContainers", in, ECHO_VAR(Containers, echoContainers), true);
    } else {
      AllTypes::Containers_var out = w->echoContainers(in);
      check("echoContainers", same(in, out.in()));
      check("echoContainers sequences", out->longs.length() == 3 && out->longs[1] == -2 &&
                                            out->inners.length() == 2 && strcmp(out->inners[1].name, "bb") == 0 &&
                                            out->table.length() == 3 && out->table[1].length() == 0 &&
                                            strcmp(out->table[2][1], "z") == 0 && out->blob.length() == 4);
      check("echoContainers arrays", out->cells[1][2] == 6 && out->paints[0] == AllTypes::Blue &&
                                         strcmp(out->nested[1].name, "n2") == 0);
      check("echoContainers bounded wstring", wsame(out->wide, in.wide));
      check("echoContainers nested struct", out->where.x == 1.5 && out->where.y == -2.25);
    }
  }

  // A recursive struct, through an anonymous sequence of itself.
  echo("echoTree recursive", sampleTree(), ECHO_VAR(Tree, echoTree), false);
  echo("echoTree leaf", leafTree(""), ECHO_VAR(Tree, echoTree), false);

  // Unions: every arm, shared case labels, the default arm, an enum
  // discriminator without a member, and a union inside a union.
  {
    AllTypes::ByLong u;
    u.small(7);
    u._d(1);
    echo("echoByLong case 1", u, ECHO_VAR(ByLong, echoByLong), false);
    u.small(-7);
    u._d(2);
    echo("echoByLong case 2 shares the arm", u, ECHO_VAR(ByLong, echoByLong), false);
    u.text((const char*)"ten");
    echo("echoByLong text", u, ECHO_VAR(ByLong, echoByLong), false);
    u.other(0.5);
    u._d(99);
    echo("echoByLong default", u, ECHO_VAR(ByLong, echoByLong), false);
    AllTypes::ByLong_var r = w->echoByLong(u);
    check("echoByLong default keeps discriminator", r->_d() == 99 && r->other() == 0.5);
  }
  {
    AllTypes::ByColor u;
    u.warm(inner("r", AllTypes::Green));
    echo("echoByColor red", u, ECHO_VAR(ByColor, echoByColor), false);
    AllTypes::LongSeq cold;
    cold.length(2);
    cold[0] = 9; cold[1] = 8;
    u.cold(cold);
    echo("echoByColor blue", u, ECHO_VAR(ByColor, echoByColor), false);
    u._default();
    echo("echoByColor green without member", u, ECHO_VAR(ByColor, echoByColor), false);
    AllTypes::ByColor_var r = w->echoByColor(u);
    check("echoByColor green discriminator", r->_d() == AllTypes::Green);
  }
  {
    AllTypes::ByBool u;
    u.yes((const char*)"yes");
    echo("echoByBool true", u, ECHO_VAR(ByBool, echoByBool), false);
    u.no(3);
    echo("echoByBool false", u, ECHO_VAR(ByBool, echoByBool), false);
  }
  {
    AllTypes::ByChar u;
    u.a(5);
    echo("echoByChar a", u, ECHO_VAR(ByChar, echoByChar), false);
    AllTypes::ByLong n;
    n.text((const char*)"in");
    u.nested(n);
    echo("echoByChar nested union", u, ECHO_VAR(ByChar, echoByChar), false);
  }

  // out and inout parameters.
  {
    CORBA::String_var head;
    CORBA::Long count = 9;
    w->split("first second", head.out(), count);
    check("split out", strcmp(head, "first") == 0, std::string("got ") + head.in());
    check("split inout", count == 10);
  }

  // A struct from a nested module.
  {
    AllTypes::Nested::Leaf l;
    l.depth = 1;
    check("nested module struct", w->leaf(l).depth == 2);
  }

  // An object reference result that can be called.
  {
    AllTypes::Widget_var self = w->self();
    check("object reference result", !CORBA::is_nil(self) && self->add(2, 3) == 5);
  }

  // User exceptions with and without members, and a system exception.
  try {
    w->fail(5);
    check("user exception Failure", false, "no exception");
  } catch (AllTypes::Failure& f) {
    check("user exception Failure", f.code == 5 && strcmp(f.reason, "asked to") == 0);
  } catch (CORBA::Exception& e) {
    check("user exception Failure", false, e._name());
  }
  try {
    w->fail(0);
    check("user exception Empty", false, "no exception");
  } catch (AllTypes::Empty&) {
    check("user exception Empty", true);
  } catch (CORBA::Exception& e) {
    check("user exception Empty", false, e._name());
  }
  try {
    w->fail(1);
    check("system exception NO_PERMISSION", false, "no exception");
  } catch (CORBA::NO_PERMISSION& e) {
    check("system exception NO_PERMISSION", e.completed() == CORBA::COMPLETED_NO);
  } catch (CORBA::Exception& e) {
    check("system exception NO_PERMISSION", false, e._name());
  }

  // Built-in operations.
  check("_is_a base", w->_is_a("IDL:concord.test/AllTypes/Base:1.0"));
  check("_is_a other", !w->_is_a("IDL:concord.test/AllTypes/Nope:1.0"));
  check("_non_existent", !w->_non_existent());

  // oneway: the Go side checks that the event arrived; a two-way call
  // after it must still work on the same connection.
  w->notify(event);
  check("call after oneway", w->add(1, 1) == 2);
}

int main(int argc, char** argv) {
  try {
    CORBA::ORB_var orb = CORBA::ORB_init(argc, argv);
    if (argc < 3) {
      std::cerr << "usage: omniclient REFERENCE 1.0|1.2 [ONEWAY-EVENT]" << std::endl;
      return 2;
    }
    bool giop10 = strcmp(argv[2], "1.0") == 0;
    CORBA::Object_var obj = orb->string_to_object(argv[1]);
    AllTypes::Widget_var w = AllTypes::Widget::_narrow(obj);
    if (CORBA::is_nil(w)) {
      std::cerr << "omniclient: reference is not a Widget" << std::endl;
      return 1;
    }
    run(w, giop10, argc > 3 ? argv[3] : "event");
    orb->destroy();
  } catch (CORBA::Exception& e) {
    std::cout << "FAIL uncaught CORBA exception " << e._name() << std::endl;
    failures++;
  }
  std::cout << "checks " << checks << " failed " << failures << std::endl;
  return failures ? 1 : 0;
}
