"""Runs a scenario file (interop/java/scenarios) against DEMS and Just Hungry
with omniORBpy and prints the canonical transcript, line for line the form
of interop/java's Scenario: "Service.op(args) -> result" or
"... -> raises Module::Exception(reason=X)".

Usage: scenario.py STUBDIR [-ORB options] FILE [DEMS=REF] [JustHungry=REF]
Without a REF the service is resolved by name in the naming service
(-ORBInitRef NameService=corbaloc:iiop:1.2@HOST:PORT/NameService).
Exit status 1 if a call failed with a system exception, 2 on bad usage.
"""

import sys

from omniORB import CORBA

import canon
import orbs

# Parameter kinds of every operation, in IDL order: s string, i long,
# K DEMS::EventKind, L JustHungry::OrderLineList.
SIGNATURES = {
    ("DEMS", "addEvent"): "ssKi",
    ("DEMS", "removeEvent"): "ssK",
    ("DEMS", "listEventAvailability"): "sK",
    ("DEMS", "bookEvent"): "ssK",
    ("DEMS", "getBookingSchedule"): "s",
    ("DEMS", "cancelEvent"): "ssK",
    ("DEMS", "swapEvent"): "ssKsK",
    ("JustHungry", "listRestaurants"): "",
    ("JustHungry", "getMenu"): "s",
    ("JustHungry", "lookupAddress"): "s",
    ("JustHungry", "placeOrder"): "ssLss",
    ("JustHungry", "getOrders"): "s",
    ("JustHungry", "cancelOrder"): "ss",
}


def tokens(line, line_no):
    """Splits on blanks; a "quoted" token keeps its quotes."""
    out, i = [], 0
    while i < len(line):
        if line[i].isspace():
            i += 1
            continue
        start = i
        if line[i] == '"':
            i += 1
            while i < len(line) and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            if i >= len(line):
                raise ValueError("line %d: unterminated string" % line_no)
            i += 1
        else:
            while i < len(line) and not line[i].isspace():
                i += 1
        out.append(line[start:i])
    return out


def load(path):
    script = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            t = tokens(line, n)
            bind = None
            if len(t) > 1 and t[1] == "=":
                bind, t = t[0], t[2:]
            if len(t) < 2:
                raise ValueError("%s:%d: want SERVICE OPERATION ARG..." % (path, n))
            script.append((n, bind, t[0], t[1], t[2:]))
    return script


class Runner:
    def __init__(self, orb, refs):
        self.orb, self.refs = orb, refs
        self.services, self.results = {}, {}

    def service(self, name):
        if name in self.services:
            return self.services[name]
        import DEMS
        import JustHungry
        if name in self.refs:
            obj = orbs.resolve(self.orb, self.refs[name])
        else:
            import CosNaming
            nc = self.orb.resolve_initial_references("NameService")._narrow(CosNaming.NamingContextExt)
            obj = nc.resolve_str(name)
        iface = {"DEMS": DEMS.EventManagement, "JustHungry": JustHungry.FoodOrdering}[name]
        svc = obj._narrow(iface)
        if svc is None:
            raise ValueError("%s is not a %s" % (name, iface._NP_RepositoryId))
        self.services[name] = svc
        return svc

    def convert(self, tok, kind, where):
        import DEMS
        import JustHungry
        if kind == "s":
            if tok.startswith('"'):
                return canon.unescape(tok[1:-1])
            if tok.startswith("$"):
                name, _, field = tok[1:].partition(".")
                if name not in self.results or not field:
                    raise ValueError(where + tok + ": no such earlier result")
                return getattr(self.results[name], field)
            return tok
        if kind == "i":
            return int(tok)
        if kind == "K":
            for item in DEMS.EventKind._items:
                if item._n == tok:
                    return item
            raise ValueError(where + tok + " is not a EventKind")
        if kind == "L":
            if not (tok.startswith("[") and tok.endswith("]")):
                raise ValueError(where + "want [id:qty,...], got " + tok)
            body = tok[1:-1]
            lines = []
            for part in body.split(",") if body else []:
                item, _, qty = part.rpartition(":")
                lines.append(JustHungry.OrderLine(item, int(qty)))
            return lines
        raise ValueError(where + "unknown kind " + kind)

    def run(self, n, bind, service, op, args):
        where = "line %d: " % n
        sig = SIGNATURES.get((service, op))
        if sig is None:
            raise ValueError(where + "%s has no operation %s" % (service, op))
        if len(sig) != len(args):
            raise ValueError(where + "%s takes %d arguments" % (op, len(sig)))
        values = [self.convert(t, k, where) for t, k in zip(args, sig)]
        call = "%s.%s(%s)" % (service, op, ", ".join(canon.value(v) for v in values))
        try:
            result = getattr(self.service(service), op)(*values)
        except CORBA.UserException as e:
            return call + " -> raises " + canon.user_exception(e)
        except CORBA.SystemException as e:
            # Only the name: minor codes differ between ORBs.
            return call + " -> system " + canon.scoped_name(e._NP_RepositoryId)
        if bind:
            self.results[bind] = result
        return call + " -> " + canon.value(result)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    orbs.add_stubs(argv[1])
    orb, plain = orbs.init(argv[:1] + argv[2:])
    if not plain:
        print(__doc__, file=sys.stderr)
        return 2
    script = load(plain[0])
    refs = {}
    for a in plain[1:]:
        k, sep, v = a.partition("=")
        if not sep:
            print("bad argument %s: want SERVICE=REF" % a, file=sys.stderr)
            return 2
        refs[k] = v
    runner = Runner(orb, refs)
    failed = 0
    try:
        for n, bind, service, op, args in script:
            try:
                line = runner.run(n, bind, service, op, args)
                if " -> system " in line:
                    failed += 1
            except ValueError as e:
                # E.g. $order1.id after order1 was refused: say so and go on.
                failed += 1
                line = "%s.%s -> error %s" % (service, op, e)
            print(line, flush=True)
    finally:
        orb.destroy()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
