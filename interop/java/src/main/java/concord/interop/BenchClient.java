package concord.interop;

/**
 * Calls Bench::Echo and prints one canonical line per call, so a Go test can
 * compare the output with what it expects from the same calls.
 *
 * Usage: BenchClient [-ORB... options] REF CALL... [REF CALL...]...
 *   REF   IOR:..., corbaloc:..., or file:PATH; printed as "ref REF"
 *   CALL  ping | add:A:B | echo:TEXT (TEXT may hold \\uXXXX escapes) | echolen:N (N-char string)
 * Exit status 1 if any call failed, 2 on bad usage.
 */
public final class BenchClient {
    private BenchClient() {}

    public static void main(String[] args) throws Exception {
        String[] plain = Orbs.plainArgs(args);
        if (plain.length < 2 || !isRef(plain[0])) {
            System.err.println("usage: BenchClient [-ORB options] REF CALL... [REF CALL...]...");
            System.exit(2);
        }
        org.omg.CORBA.ORB orb = Orbs.init(args);
        int failed = 0;
        try {
            Bench.Echo echo = null;
            for (String arg : plain) {
                String line;
                try {
                    if (isRef(arg)) {
                        // Several references in one run: one JVM and ORB start-up for all.
                        echo = Bench.EchoHelper.narrow(Orbs.resolve(orb, arg));
                        line = "ref " + arg;
                    } else {
                        line = call(echo, arg);
                    }
                } catch (org.omg.CORBA.SystemException e) {
                    failed++;
                    line = arg + " -> system " + Canon.scopedName(repoId(e)) + " minor=" + e.minor
                            + " completed=" + e.completed.value();
                }
                System.out.println(line);
            }
        } finally {
            orb.shutdown(false);
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }

    static boolean isRef(String arg) {
        return arg.startsWith("IOR:") || arg.startsWith("corbaloc:") || arg.startsWith("file:");
    }

    static String call(Bench.Echo echo, String spec) {
        String[] p = spec.split(":", 2);
        switch (p[0]) {
            case "ping":
                echo.ping();
                return "ping() -> ok";
            case "add": {
                String[] ab = p[1].split(":");
                int a = Integer.parseInt(ab[0]);
                int b = Integer.parseInt(ab[1]);
                return "add(" + a + ", " + b + ") -> " + echo.add(a, b);
            }
            case "echo": {
                String s = unescape(p[1]);
                return "echoString(" + Canon.quote(s) + ") -> " + Canon.quote(echo.echoString(s));
            }
            case "echolen": {
                int n = Integer.parseInt(p[1]);
                String s = pattern(n);
                String r = echo.echoString(s);
                return "echoString(<" + n + " chars>) -> <" + r.length() + " chars, "
                        + (r.equals(s) ? "equal" : "different") + ">";
            }
            default:
                throw new IllegalArgumentException("unknown call " + spec);
        }
    }

    /** A string of n printable characters that is not all one letter, so shifted bytes show. */
    static String pattern(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }

    /** Undoes Canon.quote's escapes (\\uXXXX, \\\\ and \\"), so arguments stay ASCII whatever the locale. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'u' && i + 5 < s.length()) {
                    b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                }
                if (n == '\\' || n == '"') {
                    b.append(n);
                    i++;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    static String repoId(org.omg.CORBA.SystemException e) {
        // org.omg.CORBA.TRANSIENT -> IDL:omg.org/CORBA/TRANSIENT:1.0
        return "IDL:omg.org/CORBA/" + e.getClass().getSimpleName() + ":1.0";
    }
}
