// Canonical text of IDL values, byte-identical to Canon.java and
// interop/python/canon.py so transcripts of every ORB compare byte for byte:
// strings quoted with \" \\ and \uXXXX (per UTF-16 unit), long in decimal,
// double as %.6f, enums by label, structs as {field=value, ...} in IDL
// order, sequences as [a, b], user exceptions as Module::Name(reason=Label).
// Field order and labels come from the TypeCode (through DynAny), never
// from a hand-written table.
#ifndef CONCORD_INTEROP_CPP_CANON_H
#define CONCORD_INTEROP_CPP_CANON_H

#include <omniORB4/CORBA.h>

#include <stdexcept>
#include <string>

namespace canon {

// ScriptError is a bad scenario line: the runner prints "-> error MSG".
struct ScriptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// quote renders a UTF-8 string (the ORB's native char code set here).
std::string quote(const std::string& utf8);

// unescape undoes quote's escapes (\" \\ \uXXXX, surrogate pairs too) and
// returns UTF-8.
std::string unescape(const std::string& s);

// scopedName turns IDL:DEMS/EventError:1.0 into DEMS::EventError.
std::string scopedName(const std::string& repoId);

// Canon renders Anys; it holds the ORB's DynAnyFactory.
class Canon {
 public:
  explicit Canon(CORBA::ORB_ptr orb);
  // value renders any value, a user exception too (its reason only).
  std::string value(const CORBA::Any& a);
  // stringField returns a string member of a struct held in an Any.
  std::string stringField(const CORBA::Any& a, const std::string& name);
  // enumOrdinal is the ordinal of label in enum TypeCode tc (ScriptError
  // if it has no such label).
  CORBA::ULong enumOrdinal(CORBA::TypeCode_ptr tc, const std::string& label);

 private:
  std::string dyn(DynamicAny::DynAny_ptr d);
  DynamicAny::DynAnyFactory_var factory_;
};

}  // namespace canon

#endif
