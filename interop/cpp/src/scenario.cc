// omniORB C++ scenario client: runs a scenario file (interop/java/scenarios)
// against DEMS and Just Hungry and prints the canonical transcript, line for
// line the form of interop/java's Scenario: "Service.op(args) -> result" or
// "... -> raises Module::Exception(reason=X)". User exceptions are caught as
// their C++ types (DEMS::EventError, JustHungry::OrderError).
//
// Usage: scenario [-ORB... options] FILE [DEMS=REF] [JustHungry=REF]
// Without a REF the service is resolved by name ("DEMS", "JustHungry") in the
// naming service (-ORBInitRef NameService=corbaloc:iiop:1.2@HOST:PORT/NameService).
// Exit status 1 if a call failed with a system exception or a script error,
// 2 on bad usage.
#include <omniORB4/CORBA.h>
#include <omniORB4/Naming.hh>

#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "canon.h"
#include "dems.hh"
#include "justhungry.hh"
#include "script.h"

using canon::ScriptError;

namespace {

// Parameter kinds of every operation, in IDL order (as scenario.py): s string,
// i long, K DEMS::EventKind, L JustHungry::OrderLineList.
const std::map<std::string, std::string> kSignatures = {
    {"DEMS.addEvent", "ssKi"},
    {"DEMS.removeEvent", "ssK"},
    {"DEMS.listEventAvailability", "sK"},
    {"DEMS.bookEvent", "ssK"},
    {"DEMS.getBookingSchedule", "s"},
    {"DEMS.cancelEvent", "ssK"},
    {"DEMS.swapEvent", "ssKsK"},
    {"JustHungry.listRestaurants", ""},
    {"JustHungry.getMenu", "s"},
    {"JustHungry.lookupAddress", "s"},
    {"JustHungry.placeOrder", "ssLss"},
    {"JustHungry.getOrders", "s"},
    {"JustHungry.cancelOrder", "ss"},
};

// Args holds one call's converted arguments as Anys: the canonical form
// shows them, and the typed call extracts them.
struct Args {
  std::vector<CORBA::Any> v;
  const char* s(size_t i) const {
    const char* out = nullptr;
    v[i] >>= out;
    return out;
  }
  CORBA::Long i(size_t k) const {
    CORBA::Long out = 0;
    v[k] >>= out;
    return out;
  }
  DEMS::EventKind kind(size_t k) const {
    DEMS::EventKind out = DEMS::Conferences;
    v[k] >>= out;
    return out;
  }
  const JustHungry::OrderLineList& lines(size_t k) const {
    const JustHungry::OrderLineList* out = nullptr;
    v[k] >>= out;
    return *out;
  }
};

class Runner {
 public:
  Runner(CORBA::ORB_ptr orb, std::map<std::string, std::string> refs)
      : orb_(CORBA::ORB::_duplicate(orb)), canon_(orb), refs_(std::move(refs)) {}

  // run returns the transcript line of one call; failed is set when the
  // call ended in a system exception or a script error.
  std::string run(const script::Line& l, bool* failed) {
    std::string where = "line " + std::to_string(l.lineNo) + ": ";
    Args a;
    std::string call;
    try {
      auto sig = kSignatures.find(l.service + "." + l.op);
      if (sig == kSignatures.end()) throw ScriptError(where + l.service + " has no operation " + l.op);
      if (sig->second.size() != l.args.size())
        throw ScriptError(where + l.op + " takes " + std::to_string(sig->second.size()) + " arguments");
      std::string shown;
      for (size_t k = 0; k < l.args.size(); k++) {
        a.v.push_back(convert(l.args[k], sig->second[k], where));
        if (k > 0) shown += ", ";
        shown += canon_.value(a.v.back());
      }
      call = l.service + "." + l.op + "(" + shown + ")";
    } catch (const ScriptError& e) {
      // E.g. $order1.id after order1 was refused: say so and go on.
      *failed = true;
      return l.service + "." + l.op + " -> error " + e.what();
    }
    try {
      CORBA::Any result = invoke(l, a);
      if (!l.bind.empty()) results_[l.bind] = result;
      return call + " -> " + canon_.value(result);
    } catch (const DEMS::EventError& e) {
      CORBA::Any x;
      x <<= e;
      return call + " -> raises " + canon_.value(x);
    } catch (const JustHungry::OrderError& e) {
      CORBA::Any x;
      x <<= e;
      return call + " -> raises " + canon_.value(x);
    } catch (const CORBA::SystemException& e) {
      // Only the exception's name: minor codes differ between ORBs.
      *failed = true;
      return call + " -> system " + canon::scopedName(e._rep_id());
    } catch (const CORBA::UserException& e) {
      *failed = true;
      return call + " -> raises unexpected " + canon::scopedName(e._rep_id());
    } catch (const ScriptError& e) {
      *failed = true;
      return l.service + "." + l.op + " -> error " + e.what();
    }
  }

 private:
  CORBA::Any convert(const std::string& tok, char kind, const std::string& where) {
    CORBA::Any a;
    switch (kind) {
      case 's':
        a <<= str(tok, where).c_str();
        return a;
      case 'i':
        a <<= integer(tok, where);
        return a;
      case 'K':
        try {
          a <<= (DEMS::EventKind)canon_.enumOrdinal(DEMS::_tc_EventKind, tok);
        } catch (const ScriptError& e) {
          throw ScriptError(where + e.what());
        }
        return a;
      case 'L':
        a <<= orderLines(tok, where);
        return a;
    }
    throw ScriptError(where + "unknown parameter kind");
  }

  std::string str(const std::string& tok, const std::string& where) {
    if (tok.size() >= 2 && tok[0] == '"') return canon::unescape(tok.substr(1, tok.size() - 2));
    if (!tok.empty() && tok[0] == '$') {
      size_t dot = tok.find('.');
      auto r = dot == std::string::npos ? results_.end() : results_.find(tok.substr(1, dot - 1));
      if (r == results_.end()) throw ScriptError(where + tok + ": no such earlier result");
      return canon_.stringField(r->second, tok.substr(dot + 1));
    }
    return tok;
  }

  static CORBA::Long integer(const std::string& tok, const std::string& where) {
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(tok, &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != tok.size() || v < -2147483648LL || v > 2147483647LL)
      throw ScriptError(where + "not a long: " + tok);
    return (CORBA::Long)v;
  }

  // orderLines parses [itemId:qty,...].
  static JustHungry::OrderLineList orderLines(const std::string& tok, const std::string& where) {
    if (tok.size() < 2 || tok.front() != '[' || tok.back() != ']')
      throw ScriptError(where + "want [id:qty,...], got " + tok);
    std::string body = tok.substr(1, tok.size() - 2);
    std::vector<std::string> parts;
    for (size_t start = 0; !body.empty();) {
      size_t comma = body.find(',', start);
      parts.push_back(body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    JustHungry::OrderLineList out;
    out.length(parts.size());
    for (size_t k = 0; k < parts.size(); k++) {
      size_t colon = parts[k].rfind(':');
      if (colon == std::string::npos) throw ScriptError(where + "want id:qty, got " + parts[k]);
      out[k].itemId = parts[k].substr(0, colon).c_str();
      out[k].quantity = integer(parts[k].substr(colon + 1), where);
    }
    return out;
  }

  CORBA::Object_ptr resolve(const std::string& name) {
    auto r = refs_.find(name);
    if (r != refs_.end()) return orb_->string_to_object(r->second.c_str());
    CORBA::Object_var o = orb_->resolve_initial_references("NameService");
    CosNaming::NamingContextExt_var nc = CosNaming::NamingContextExt::_narrow(o);
    if (CORBA::is_nil(nc)) throw ScriptError("the NameService is not a CosNaming::NamingContextExt");
    return nc->resolve_str(name.c_str());
  }

  DEMS::EventManagement_ptr dems() {
    if (CORBA::is_nil(dems_)) {
      CORBA::Object_var o = resolve("DEMS");
      dems_ = DEMS::EventManagement::_narrow(o);
      if (CORBA::is_nil(dems_)) throw ScriptError("DEMS is not a DEMS::EventManagement");
    }
    return dems_;
  }

  JustHungry::FoodOrdering_ptr jh() {
    if (CORBA::is_nil(jh_)) {
      CORBA::Object_var o = resolve("JustHungry");
      jh_ = JustHungry::FoodOrdering::_narrow(o);
      if (CORBA::is_nil(jh_)) throw ScriptError("JustHungry is not a JustHungry::FoodOrdering");
    }
    return jh_;
  }

  // invoke makes the typed call; results of variable-length types come back
  // as pointers that the Any then owns.
  CORBA::Any invoke(const script::Line& l, const Args& a) {
    CORBA::Any r;
    const std::string& op = l.op;
    if (l.service == "DEMS") {
      DEMS::EventManagement_ptr d = dems();
      if (op == "addEvent") {
        r <<= d->addEvent(a.s(0), a.s(1), a.kind(2), a.i(3));
      } else if (op == "removeEvent") {
        r <<= d->removeEvent(a.s(0), a.s(1), a.kind(2));
      } else if (op == "listEventAvailability") {
        r <<= d->listEventAvailability(a.s(0), a.kind(1));
      } else if (op == "bookEvent") {
        r <<= d->bookEvent(a.s(0), a.s(1), a.kind(2));
      } else if (op == "getBookingSchedule") {
        r <<= d->getBookingSchedule(a.s(0));
      } else if (op == "cancelEvent") {
        r <<= d->cancelEvent(a.s(0), a.s(1), a.kind(2));
      } else if (op == "swapEvent") {
        r <<= d->swapEvent(a.s(0), a.s(1), a.kind(2), a.s(3), a.kind(4));
      } else {
        throw ScriptError("DEMS has no operation " + op);
      }
      return r;
    }
    JustHungry::FoodOrdering_ptr j = jh();
    if (op == "listRestaurants") {
      r <<= j->listRestaurants();
    } else if (op == "getMenu") {
      r <<= j->getMenu(a.s(0));
    } else if (op == "lookupAddress") {
      r <<= j->lookupAddress(a.s(0));
    } else if (op == "placeOrder") {
      r <<= j->placeOrder(a.s(0), a.s(1), a.lines(2), a.s(3), a.s(4));
    } else if (op == "getOrders") {
      r <<= j->getOrders(a.s(0));
    } else if (op == "cancelOrder") {
      r <<= j->cancelOrder(a.s(0), a.s(1));
    } else {
      throw ScriptError("JustHungry has no operation " + op);
    }
    return r;
  }

  CORBA::ORB_var orb_;
  canon::Canon canon_;
  std::map<std::string, std::string> refs_;
  std::map<std::string, CORBA::Any> results_;
  DEMS::EventManagement_var dems_;
  JustHungry::FoodOrdering_var jh_;
};

}  // namespace

int main(int argc, char** argv) {
  // Defaults first so the caller's -ORB options override them: strings are
  // UTF-8 in C++ (canon::quote decodes UTF-8), and a stuck call ends in
  // TIMEOUT instead of hanging the test that runs this.
  std::vector<char*> args = {argv[0], (char*)"-ORBnativeCharCodeSet", (char*)"UTF-8",
                             (char*)"-ORBclientCallTimeOutPeriod", (char*)"30000"};
  for (int k = 1; k < argc; k++) args.push_back(argv[k]);
  int n = (int)args.size();
  args.push_back(nullptr);
  CORBA::ORB_var orb;
  try {
    orb = CORBA::ORB_init(n, args.data());
  } catch (const CORBA::Exception& e) {
    std::cerr << "ORB_init: " << e._name() << std::endl;
    return 2;
  }
  // ORB_init removed the -ORB options it understood.
  if (n < 2) {
    std::cerr << "usage: scenario [-ORB options] FILE [DEMS=REF] [JustHungry=REF]" << std::endl;
    return 2;
  }
  std::vector<script::Line> lines;
  std::map<std::string, std::string> refs;
  try {
    lines = script::load(args[1]);
  } catch (const std::exception& e) {
    std::cerr << e.what() << std::endl;
    return 2;
  }
  for (int k = 2; k < n; k++) {
    std::string kv = args[k];
    size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      std::cerr << "bad argument " << kv << ": want SERVICE=REF" << std::endl;
      return 2;
    }
    refs[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  int failed = 0;
  try {
    Runner r(orb, refs);
    for (const script::Line& l : lines) {
      bool f = false;
      std::cout << r.run(l, &f) << '\n';
      failed += f;
    }
  } catch (const CORBA::Exception& e) {
    std::cout.flush();
    std::cerr << "scenario: " << e._name() << std::endl;
    failed++;
  }
  std::cout.flush();
  orb->destroy();
  return failed == 0 ? 0 : 1;
}
