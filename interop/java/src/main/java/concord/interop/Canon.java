package concord.interop;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Locale;
import org.omg.CORBA.TCKind;
import org.omg.CORBA.TypeCode;

/**
 * The canonical text of IDL values, identical for every ORB's client so that
 * transcripts can be compared byte for byte (see interop/java/README.md):
 * strings quoted with \" \\ and \\uXXXX escapes, long in decimal, double as %.6f,
 * enums by label, structs as {field=value, ...} in IDL order, sequences as
 * [a, b], user exceptions as Module::Name(reason=Label).
 * Field order and enum labels come from the generated Helper's TypeCode, so
 * nothing here depends on the order Java reflection happens to list fields in.
 */
final class Canon {
    private Canon() {}

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String value(Object v) throws Exception {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return quote((String) v);
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Double || v instanceof Float) {
            return String.format(Locale.ROOT, "%.6f", ((Number) v).doubleValue());
        }
        if (v.getClass().isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < Array.getLength(v); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                b.append(value(Array.get(v, i)));
            }
            return b.append(']').toString();
        }
        TypeCode tc = typeCode(v.getClass());
        switch (tc.kind().value()) {
            case TCKind._tk_enum:
                int ord = (Integer) v.getClass().getMethod("value").invoke(v);
                return tc.member_name(ord);
            case TCKind._tk_struct:
                return "{" + members(v, tc) + "}";
            case TCKind._tk_except:
                return exception(v, tc);
            default:
                throw new IllegalArgumentException("no canonical form for " + v.getClass().getName());
        }
    }

    /** A user exception: its scoped name and reason code (the message is free text, not compared). */
    static String exception(Object ex, TypeCode tc) throws Exception {
        String reason = "";
        for (int i = 0; i < tc.member_count(); i++) {
            if (tc.member_name(i).equals("reason")) {
                reason = "(reason=" + value(ex.getClass().getField("reason").get(ex)) + ")";
            }
        }
        return scopedName(tc.id()) + reason;
    }

    static String userException(Exception ex) throws Exception {
        return exception(ex, typeCode(ex.getClass()));
    }

    /** IDL:DEMS/EventError:1.0 -> DEMS::EventError */
    static String scopedName(String repoId) {
        String s = repoId;
        if (s.startsWith("IDL:")) {
            s = s.substring(4);
        }
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            s = s.substring(0, colon);
        }
        int slash = s.indexOf('/');
        if (s.startsWith("omg.org/") && slash >= 0) {
            s = s.substring(slash + 1);
        }
        return s.replace("/", "::");
    }

    private static String members(Object v, TypeCode tc) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tc.member_count(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            String name = tc.member_name(i);
            b.append(name).append('=').append(value(v.getClass().getField(name).get(v)));
        }
        return b.toString();
    }

    static TypeCode typeCode(Class<?> c) throws Exception {
        Method type = Class.forName(c.getName() + "Helper").getMethod("type");
        return (TypeCode) type.invoke(null);
    }
}
