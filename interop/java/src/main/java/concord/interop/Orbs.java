package concord.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Starts the ORB chosen with -Dconcord.orb=jacorb|glassfish. Both ORBs ship
 * org.omg.CORBA, and ORB.init would otherwise pick whichever the classpath
 * happens to default to, so the choice is always made explicitly.
 */
final class Orbs {
    private Orbs() {}

    static org.omg.CORBA.ORB init(String[] args) {
        String name = System.getProperty("concord.orb", "jacorb");
        String orbClass;
        String singletonClass;
        switch (name) {
            case "jacorb":
                orbClass = "org.jacorb.orb.ORB";
                singletonClass = "org.jacorb.orb.ORBSingleton";
                break;
            case "glassfish":
                orbClass = "com.sun.corba.ee.impl.orb.ORBImpl";
                singletonClass = "com.sun.corba.ee.impl.orb.ORBSingleton";
                // The ORB registers management beans with gmbal at init; gmbal
                // cannot model Java 17's generic types (a type variable with
                // several bounds) and throws unless told to skip them.
                System.setProperty("org.glassfish.gmbal.no.multipleUpperBoundsException", "true");
                break;
            default:
                throw new IllegalArgumentException("-Dconcord.orb: unknown ORB \"" + name + "\" (want jacorb or glassfish)");
        }
        // The singleton (used by Helper.type()) is read from system properties only.
        System.setProperty("org.omg.CORBA.ORBClass", orbClass);
        System.setProperty("org.omg.CORBA.ORBSingletonClass", singletonClass);
        Properties props = new Properties();
        props.setProperty("org.omg.CORBA.ORBClass", orbClass);
        props.setProperty("org.omg.CORBA.ORBSingletonClass", singletonClass);
        return org.omg.CORBA.ORB.init(args, props);
    }

    /** A reference given as IOR:..., corbaloc:... or file:PATH (a file holding one of those). */
    static org.omg.CORBA.Object resolve(org.omg.CORBA.ORB orb, String ref) throws IOException {
        if (ref.startsWith("file:")) {
            ref = Files.readString(Path.of(ref.substring("file:".length())), StandardCharsets.US_ASCII).trim();
        }
        return orb.string_to_object(ref);
    }

    /** The arguments left after the ORB's own -ORB... options (and their values). */
    static String[] plainArgs(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("-ORB")) {
                // "-ORBInitRef X=Y" takes a value; "-ORBInitRef=..." does not.
                if (!args[i].contains("=") && i + 1 < args.length) {
                    i++;
                }
                continue;
            }
            out.add(args[i]);
        }
        return out.toArray(new String[0]);
    }
}
