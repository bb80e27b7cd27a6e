package concord.interop;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.omg.CORBA.TypeCode;
import org.omg.CosNaming.NamingContextExt;
import org.omg.CosNaming.NamingContextExtHelper;

/**
 * Runs a scenario file (interop/java/scenarios) against DEMS and Just Hungry
 * and prints the canonical transcript: one line per call,
 * "Service.op(args) -> result" or "... -> raises Module::Exception(reason=X)",
 * so transcripts of different ORBs can be compared byte for byte.
 *
 * Usage: Scenario [-ORB... options] FILE [DEMS=REF] [JustHungry=REF]
 * Without a REF, the service is resolved by name ("DEMS", "JustHungry") in the
 * naming service (-ORBInitRef NameService=corbaloc:iiop:1.2@HOST:PORT/NameService).
 * Exit status 1 if a call failed with a system exception, 2 on bad usage.
 */
public final class Scenario {
    private final org.omg.CORBA.ORB orb;
    private final Map<String, String> refs = new HashMap<>();
    private final Map<String, Object> services = new HashMap<>();
    private final Map<String, Object> results = new HashMap<>();

    private Scenario(org.omg.CORBA.ORB orb) {
        this.orb = orb;
    }

    public static void main(String[] args) throws Exception {
        String[] plain = Orbs.plainArgs(args);
        if (plain.length < 1) {
            System.err.println("usage: Scenario [-ORB options] FILE [DEMS=REF] [JustHungry=REF]");
            System.exit(2);
        }
        List<ScenarioScript> script = ScenarioScript.load(Path.of(plain[0]));
        org.omg.CORBA.ORB orb = Orbs.init(args);
        Scenario s = new Scenario(orb);
        for (int i = 1; i < plain.length; i++) {
            String[] kv = plain[i].split("=", 2);
            if (kv.length != 2) {
                System.err.println("bad argument " + plain[i] + ": want SERVICE=REF");
                System.exit(2);
            }
            s.refs.put(kv[0], kv[1]);
        }
        int failed = 0;
        try {
            for (ScenarioScript line : script) {
                String out;
                try {
                    out = s.run(line);
                    if (out.contains(" -> system ")) {
                        failed++;
                    }
                } catch (IllegalArgumentException e) {
                    // E.g. $order1.id after order1 was refused: say so and go on.
                    failed++;
                    out = line.service + "." + line.op + " -> error " + e.getMessage();
                }
                System.out.println(out);
                System.out.flush(); // a test watches the progress to inject faults mid-run
            }
        } finally {
            orb.shutdown(false);
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }

    private Object service(String name) throws Exception {
        Object svc = services.get(name);
        if (svc != null) {
            return svc;
        }
        org.omg.CORBA.Object obj;
        if (refs.containsKey(name)) {
            obj = Orbs.resolve(orb, refs.get(name));
        } else {
            NamingContextExt nc = NamingContextExtHelper.narrow(orb.resolve_initial_references("NameService"));
            obj = nc.resolve_str(name);
        }
        switch (name) {
            case "DEMS":
                svc = DEMS.EventManagementHelper.narrow(obj);
                break;
            case "JustHungry":
                svc = JustHungry.FoodOrderingHelper.narrow(obj);
                break;
            default:
                throw new IllegalArgumentException("unknown service " + name);
        }
        services.put(name, svc);
        return svc;
    }

    private static Class<?> operations(String service) {
        return service.equals("DEMS") ? DEMS.EventManagementOperations.class : JustHungry.FoodOrderingOperations.class;
    }

    private String run(ScenarioScript line) throws Exception {
        Method m = null;
        for (Method c : operations(line.service).getMethods()) {
            if (c.getName().equals(line.op)) {
                m = c;
            }
        }
        String where = "line " + line.lineNo + ": ";
        if (m == null) {
            throw new IllegalArgumentException(where + line.service + " has no operation " + line.op);
        }
        Class<?>[] types = m.getParameterTypes();
        if (types.length != line.args.size()) {
            throw new IllegalArgumentException(where + line.op + " takes " + types.length + " arguments");
        }
        Object[] values = new Object[types.length];
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            values[i] = convert(line.args.get(i), types[i], where);
            shown.add(Canon.value(values[i]));
        }
        String call = line.service + "." + line.op + "(" + String.join(", ", shown) + ")";
        try {
            Object result = m.invoke(service(line.service), values);
            if (line.bind != null) {
                results.put(line.bind, result);
            }
            return call + " -> " + Canon.value(result);
        } catch (org.omg.CORBA.SystemException e) {
            // From resolving or narrowing the service.
            return systemLine(call, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.omg.CORBA.UserException) {
                return call + " -> raises " + Canon.userException((Exception) cause);
            }
            if (cause instanceof org.omg.CORBA.SystemException) {
                return systemLine(call, (org.omg.CORBA.SystemException) cause);
            }
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    /** Only the exception's name: minor codes differ between ORBs. */
    private static String systemLine(String call, org.omg.CORBA.SystemException e) {
        return call + " -> system " + Canon.scopedName(BenchClient.repoId(e));
    }

    private Object convert(String tok, Class<?> type, String where) throws Exception {
        if (type == String.class) {
            return string(tok, where);
        }
        if (type == int.class) {
            return Integer.parseInt(tok);
        }
        if (type.isArray()) {
            // Order lines: [itemId:qty,...]
            if (!tok.startsWith("[") || !tok.endsWith("]")) {
                throw new IllegalArgumentException(where + "want [id:qty,...], got " + tok);
            }
            String body = tok.substring(1, tok.length() - 1);
            String[] parts = body.isEmpty() ? new String[0] : body.split(",");
            Object arr = Array.newInstance(type.getComponentType(), parts.length);
            for (int i = 0; i < parts.length; i++) {
                int colon = parts[i].lastIndexOf(':');
                Object elem = type.getComponentType().getConstructor(String.class, int.class)
                        .newInstance(parts[i].substring(0, colon), Integer.parseInt(parts[i].substring(colon + 1)));
                Array.set(arr, i, elem);
            }
            return arr;
        }
        TypeCode tc = Canon.typeCode(type);
        if (tc.kind() == org.omg.CORBA.TCKind.tk_enum) {
            for (int i = 0; i < tc.member_count(); i++) {
                if (tc.member_name(i).equals(tok)) {
                    return type.getMethod("from_int", int.class).invoke(null, i);
                }
            }
            throw new IllegalArgumentException(where + tok + " is not a " + tc.name());
        }
        throw new IllegalArgumentException(where + "cannot pass a " + type.getName());
    }

    private String string(String tok, String where) throws Exception {
        if (tok.startsWith("\"")) {
            return BenchClient.unescape(tok.substring(1, tok.length() - 1));
        }
        if (tok.startsWith("$")) {
            String[] ref = tok.substring(1).split("\\.", 2);
            Object r = results.get(ref[0]);
            if (r == null || ref.length != 2) {
                throw new IllegalArgumentException(where + tok + ": no such earlier result");
            }
            return (String) r.getClass().getField(ref[1]).get(r);
        }
        return tok;
    }
}
