#include "canon.h"

#include <cstdio>
#include <vector>

namespace canon {

namespace {

// utf16 decodes UTF-8 into UTF-16 units, the unit Java's escapes count in.
// A byte that is not valid UTF-8 stands for itself (as Latin-1 would).
std::vector<unsigned> utf16(const std::string& s) {
  std::vector<unsigned> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    unsigned cp = c;
    size_t n = 0;
    if (c >= 0xf0 && c < 0xf8) {
      cp = c & 0x07, n = 3;
    } else if (c >= 0xe0) {
      cp = c & 0x0f, n = 2;
    } else if (c >= 0xc0) {
      cp = c & 0x1f, n = 1;
    }
    bool ok = n > 0 && i + n < s.size();
    for (size_t k = 1; ok && k <= n; k++) {
      unsigned char b = s[i + k];
      if ((b & 0xc0) != 0x80) ok = false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (n > 0 && !ok) {
      cp = c, n = 0;
    }
    i += n + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(0xd800 + (cp >> 10));
      out.push_back(0xdc00 + (cp & 0x3ff));
    } else {
      out.push_back(cp);
    }
  }
  return out;
}

void putUTF8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += (char)cp;
  } else if (cp < 0x800) {
    out += (char)(0xc0 | (cp >> 6));
    out += (char)(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += (char)(0xe0 | (cp >> 12));
    out += (char)(0x80 | ((cp >> 6) & 0x3f));
    out += (char)(0x80 | (cp & 0x3f));
  } else {
    out += (char)(0xf0 | (cp >> 18));
    out += (char)(0x80 | ((cp >> 12) & 0x3f));
    out += (char)(0x80 | ((cp >> 6) & 0x3f));
    out += (char)(0x80 | (cp & 0x3f));
  }
}

bool hex4(const std::string& s, size_t i, unsigned* v) {
  if (i + 4 > s.size()) return false;
  *v = 0;
  for (size_t k = i; k < i + 4; k++) {
    char c = s[k];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    *v = *v * 16 + d;
  }
  return true;
}

CORBA::TypeCode_ptr unalias(CORBA::TypeCode_ptr tc) {
  CORBA::TypeCode_var t = CORBA::TypeCode::_duplicate(tc);
  while (t->kind() == CORBA::tk_alias) t = t->content_type();
  return t._retn();
}

}  // namespace

std::string quote(const std::string& utf8) {
  std::string out = "\"";
  for (unsigned u : utf16(utf8)) {
    if (u == '"' || u == '\\') {
      out += '\\';
      out += (char)u;
    } else if (u < 0x20 || u > 0x7e) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += (char)u;
    }
  }
  return out + "\"";
}

std::string unescape(const std::string& s) {
  // Collect UTF-16 units first: a surrogate pair arrives as two \u escapes.
  std::vector<unsigned> units;
  for (size_t i = 0; i < s.size();) {
    unsigned v;
    if (s[i] == '\\' && i + 1 < s.size()) {
      if (s[i + 1] == 'u' && hex4(s, i + 2, &v)) {
        units.push_back(v);
        i += 6;
        continue;
      }
      if (s[i + 1] == '\\' || s[i + 1] == '"') {
        units.push_back((unsigned char)s[i + 1]);
        i += 2;
        continue;
      }
    }
    // Raw bytes (the file is UTF-8) pass through unchanged below.
    units.push_back(0x110000 + (unsigned char)s[i]);
    i++;
  }
  std::string out;
  for (size_t i = 0; i < units.size(); i++) {
    unsigned u = units[i];
    if (u >= 0x110000) {
      out += (char)(u - 0x110000);
    } else if (u >= 0xd800 && u < 0xdc00 && i + 1 < units.size() && units[i + 1] >= 0xdc00 &&
               units[i + 1] < 0xe000) {
      putUTF8(out, 0x10000 + ((u - 0xd800) << 10) + (units[i + 1] - 0xdc00));
      i++;
    } else {
      putUTF8(out, u);
    }
  }
  return out;
}

std::string scopedName(const std::string& repoId) {
  std::string s = repoId;
  if (s.rfind("IDL:", 0) == 0) s = s.substr(4);
  size_t colon = s.rfind(':');
  if (colon != std::string::npos) s = s.substr(0, colon);
  if (s.rfind("omg.org/", 0) == 0) s = s.substr(8);
  std::string out;
  for (char c : s) {
    if (c == '/') {
      out += "::";
    } else {
      out += c;
    }
  }
  return out;
}

Canon::Canon(CORBA::ORB_ptr orb) {
  CORBA::Object_var o = orb->resolve_initial_references("DynAnyFactory");
  factory_ = DynamicAny::DynAnyFactory::_narrow(o);
}

std::string Canon::value(const CORBA::Any& a) {
  DynamicAny::DynAny_var d = factory_->create_dyn_any(a);
  std::string s = dyn(d);
  d->destroy();
  return s;
}

std::string Canon::dyn(DynamicAny::DynAny_ptr d) {
  CORBA::TypeCode_var tc0 = d->type();
  CORBA::TypeCode_var tc = unalias(tc0);
  char buf[64];
  switch (tc->kind()) {
    case CORBA::tk_string: {
      CORBA::String_var s = d->get_string();
      return quote((const char*)s);
    }
    case CORBA::tk_long:
      snprintf(buf, sizeof buf, "%ld", (long)d->get_long());
      return buf;
    case CORBA::tk_short:
      snprintf(buf, sizeof buf, "%d", (int)d->get_short());
      return buf;
    case CORBA::tk_longlong:
      snprintf(buf, sizeof buf, "%lld", (long long)d->get_longlong());
      return buf;
    case CORBA::tk_boolean:
      return d->get_boolean() ? "true" : "false";
    case CORBA::tk_double:
      snprintf(buf, sizeof buf, "%.6f", (double)d->get_double());
      return buf;
    case CORBA::tk_float:
      snprintf(buf, sizeof buf, "%.6f", (double)d->get_float());
      return buf;
    case CORBA::tk_enum: {
      DynamicAny::DynEnum_var e = DynamicAny::DynEnum::_narrow(d);
      CORBA::String_var label = e->get_as_string();
      return (const char*)label;
    }
    case CORBA::tk_sequence: {
      DynamicAny::DynSequence_var q = DynamicAny::DynSequence::_narrow(d);
      std::string out = "[";
      CORBA::ULong n = q->get_length();
      for (CORBA::ULong i = 0; i < n; i++) {
        q->seek(i);
        DynamicAny::DynAny_var c = q->current_component();
        if (i > 0) out += ", ";
        out += dyn(c);
      }
      return out + "]";
    }
    case CORBA::tk_struct: {
      std::string out = "{";
      CORBA::ULong n = tc->member_count();
      for (CORBA::ULong i = 0; i < n; i++) {
        d->seek(i);
        DynamicAny::DynAny_var c = d->current_component();
        if (i > 0) out += ", ";
        out += std::string(tc->member_name(i)) + "=" + dyn(c);
      }
      return out + "}";
    }
    case CORBA::tk_except: {
      // The message is free text, not compared: only the reason code.
      std::string out = scopedName(tc->id());
      for (CORBA::ULong i = 0; i < tc->member_count(); i++) {
        if (std::string(tc->member_name(i)) == "reason") {
          d->seek(i);
          DynamicAny::DynAny_var c = d->current_component();
          out += "(reason=" + dyn(c) + ")";
        }
      }
      return out;
    }
    default:
      throw ScriptError(std::string("no canonical form for ") + tc->id());
  }
}

std::string Canon::stringField(const CORBA::Any& a, const std::string& name) {
  CORBA::TypeCode_var tc0 = a.type();
  CORBA::TypeCode_var tc = unalias(tc0);
  if (tc->kind() != CORBA::tk_struct) throw ScriptError("not a struct");
  for (CORBA::ULong i = 0; i < tc->member_count(); i++) {
    if (name != tc->member_name(i)) continue;
    CORBA::TypeCode_var mt0 = tc->member_type(i);
    CORBA::TypeCode_var mt = unalias(mt0);
    if (mt->kind() != CORBA::tk_string) throw ScriptError(name + " is not a string");
    DynamicAny::DynAny_var d = factory_->create_dyn_any(a);
    d->seek(i);
    DynamicAny::DynAny_var c = d->current_component();
    CORBA::String_var s = c->get_string();
    d->destroy();
    return std::string((const char*)s);
  }
  throw ScriptError(std::string(tc->name()) + " has no field " + name);
}

CORBA::ULong Canon::enumOrdinal(CORBA::TypeCode_ptr tc, const std::string& label) {
  for (CORBA::ULong i = 0; i < tc->member_count(); i++) {
    if (label == tc->member_name(i)) return i;
  }
  throw ScriptError(label + " is not a " + tc->name());
}

}  // namespace canon
