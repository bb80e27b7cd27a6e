"""Canonical text of IDL values, byte-identical to Canon.java (interop/java).

Strings are quoted with \\" \\\\ and \\uXXXX escapes (per UTF-16 unit), long in
decimal, double as %.6f, enums by label, structs as {field=value, ...} in IDL
order, sequences as [a, b], user exceptions as Module::Name(reason=Label).
Field order comes from the struct's TypeCode, never from Python's dict order.
"""

import omniORB
from omniORB import CORBA


def quote(s):
    out = ['"']
    units = s.encode("utf-16-be")
    for i in range(0, len(units), 2):
        u = (units[i] << 8) | units[i + 1]
        if u in (0x22, 0x5C):
            out.append("\\" + chr(u))
        elif u < 0x20 or u > 0x7E:
            out.append("\\u%04x" % u)
        else:
            out.append(chr(u))
    out.append('"')
    return "".join(out)


def unescape(s):
    """Undoes quote's escapes, so command-line arguments stay ASCII."""
    out, i = [], 0
    units = []
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "u" and i + 5 < len(s):
                units.append(int(s[i + 2:i + 6], 16))
                i += 6
                continue
            if n in "\\\"":
                units.append(ord(n))
                i += 2
                continue
        units.append(ord(c))
        i += 1
    # Surrogate pairs arrive as two \\u escapes: rebuild them through UTF-16.
    raw = b"".join(u.to_bytes(2, "big") if u < 0x10000 else chr(u).encode("utf-16-be") for u in units)
    return raw.decode("utf-16-be")


def scoped_name(repo_id):
    """IDL:DEMS/EventError:1.0 -> DEMS::EventError"""
    s = repo_id
    if s.startswith("IDL:"):
        s = s[4:]
    s = s.rsplit(":", 1)[0]
    if s.startswith("omg.org/"):
        s = s[len("omg.org/"):]
    return s.replace("/", "::")


def value(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%.6f" % v
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, omniORB.EnumItem):
        return v._n
    if isinstance(v, CORBA.UserException):
        return user_exception(v)
    tc = CORBA.TypeCode(v._NP_RepositoryId)
    if tc.kind() == CORBA.tk_struct:
        # int(): omniORBpy 4.3's struct member_count() divides with / (a float).
        names = [tc.member_name(i) for i in range(int(tc.member_count()))]
        return "{" + ", ".join("%s=%s" % (n, value(getattr(v, n))) for n in names) + "}"
    raise ValueError("no canonical form for %r" % (v,))


def user_exception(e):
    reason = ""
    if hasattr(e, "reason"):
        reason = "(reason=%s)" % value(e.reason)
    return scoped_name(e._NP_RepositoryId) + reason


def system_exception(e):
    return "system %s minor=%d completed=%d" % (
        scoped_name(e._NP_RepositoryId), e.minor, e.completed._v)
