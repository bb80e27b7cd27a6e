package concord.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.omg.PortableServer.POA;
import org.omg.PortableServer.POAHelper;

/**
 * Serves Bench::Echo with the chosen Java ORB so concord's Go client can call
 * a foreign (big-endian, for JacORB) server. Writes the IOR to a file and
 * prints "ready" once it is being served; runs until its standard input
 * closes, so the test that started it never leaves it behind.
 *
 * Usage: BenchServer [-ORB... options] IOR_FILE
 */
public final class BenchServer extends Bench.EchoPOA {
    @Override
    public void ping() {}

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public String echoString(String s) {
        return s;
    }

    public static void main(String[] args) throws Exception {
        String[] plain = Orbs.plainArgs(args);
        if (plain.length != 1) {
            System.err.println("usage: BenchServer [-ORB options] IOR_FILE");
            System.exit(2);
        }
        org.omg.CORBA.ORB orb = Orbs.init(args);
        POA root = POAHelper.narrow(orb.resolve_initial_references("RootPOA"));
        root.the_POAManager().activate();
        org.omg.CORBA.Object ref = root.servant_to_reference(new BenchServer());
        Path tmp = Path.of(plain[0] + ".tmp");
        Files.writeString(tmp, orb.object_to_string(ref) + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, Path.of(plain[0]), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread orbThread = new Thread(orb::run, "orb");
        orbThread.setDaemon(true);
        orbThread.start();
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // Drain until the parent closes our stdin (or dies).
        }
        orb.shutdown(false);
        System.exit(0);
    }
}
