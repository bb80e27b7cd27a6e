package concord.golden;

import java.io.FileWriter;
import java.util.Properties;

import org.omg.CORBA.BAD_OPERATION;
import org.omg.CORBA.BAD_PARAM;
import org.omg.CORBA.CompletionStatus;
import org.omg.CORBA.ORB;
import org.omg.CORBA.portable.ApplicationException;
import org.omg.CORBA.portable.InputStream;
import org.omg.CORBA.portable.InvokeHandler;
import org.omg.CORBA.portable.ObjectImpl;
import org.omg.CORBA.portable.OutputStream;
import org.omg.CORBA.portable.ResponseHandler;
import org.omg.PortableServer.IdAssignmentPolicyValue;
import org.omg.PortableServer.LifespanPolicyValue;
import org.omg.PortableServer.POA;
import org.omg.PortableServer.POAHelper;
import org.omg.PortableServer.Servant;

/**
 * JacORB side of the big-endian golden capture: "server IORFILE" serves
 * Bench::Echo (key .../Echo) and Probe::Target (key .../Probe) from a
 * persistent USER_ID POA, so object keys are the same on every run;
 * "client REF OP..." runs ops like interop/omni/cpp/echo_client.cc and exits
 * 1 on a wrong result. Stubs and skeletons are hand-written with the portable
 * streams API: no IDL compiler needed.
 */
public final class JGolden {
  static final String ECHO = "IDL:Bench/Echo:1.0";
  static final String PROBE = "IDL:Probe/Target:1.0";
  static final String REFUSED = "IDL:Probe/Refused:1.0";

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.setProperty("org.omg.CORBA.ORBClass", "org.jacorb.orb.ORB");
    p.setProperty("org.omg.CORBA.ORBSingletonClass", "org.jacorb.orb.ORBSingleton");
    p.setProperty("jacorb.implname", "golden");
    p.setProperty("jacorb.use_imr", "off");
    p.setProperty("OAIAddr", "127.0.0.1");
    p.setProperty("jacorb.log.default.verbosity", "0");
    if (args.length >= 2 && args[0].equals("server")) {
      server(ORB.init(new String[0], p), args[1]);
    } else if (args.length >= 3 && args[0].equals("client")) {
      System.exit(client(ORB.init(new String[0], p), args));
    } else {
      System.err.println("usage: JGolden server IORFILE | client REF OP...");
      System.exit(2);
    }
  }

  static void server(ORB orb, String iorFile) throws Exception {
    POA root = POAHelper.narrow(orb.resolve_initial_references("RootPOA"));
    POA poa = root.create_POA("golden", root.the_POAManager(), new org.omg.CORBA.Policy[] {
        root.create_lifespan_policy(LifespanPolicyValue.PERSISTENT),
        root.create_id_assignment_policy(IdAssignmentPolicyValue.USER_ID)});
    poa.activate_object_with_id("Echo".getBytes(), new EchoServant());
    poa.activate_object_with_id("Probe".getBytes(), new ProbeServant());
    root.the_POAManager().activate();
    String echo = orb.object_to_string(poa.id_to_reference("Echo".getBytes()));
    String probe = orb.object_to_string(poa.id_to_reference("Probe".getBytes()));
    // Same format as echo_server -refs; written in one go, newline-terminated.
    try (FileWriter w = new FileWriter(iorFile)) {
      w.write("echo " + echo + "\nprobe " + probe + "\n");
    }
    System.out.println("READY");
    orb.run();
  }

  static final class EchoServant extends Servant implements InvokeHandler {
    public String[] _all_interfaces(POA poa, byte[] id) { return new String[] {ECHO}; }

    public OutputStream _invoke(String op, InputStream in, ResponseHandler h) {
      switch (op) {
        case "ping":
          return h.createReply();
        case "add": {
          int a = in.read_long(), b = in.read_long();
          OutputStream out = h.createReply();
          out.write_long(a + b);
          return out;
        }
        case "echoString": {
          String s = in.read_string();
          OutputStream out = h.createReply();
          out.write_string(s);
          return out;
        }
        default:
          throw new BAD_OPERATION(op, 0, CompletionStatus.COMPLETED_NO);
      }
    }
  }

  static final class ProbeServant extends Servant implements InvokeHandler {
    public String[] _all_interfaces(POA poa, byte[] id) { return new String[] {PROBE}; }

    public OutputStream _invoke(String op, InputStream in, ResponseHandler h) {
      switch (op) {
        case "failUser": {
          int code = in.read_long();
          OutputStream out = h.createExceptionReply();
          out.write_string(REFUSED);
          out.write_long(code);
          out.write_string("refused by probe");
          return out;
        }
        case "failSystem":
          throw new BAD_PARAM("probe", in.read_ulong(), CompletionStatus.COMPLETED_NO);
        case "note":
          in.read_string();
          return null; // oneway: no reply
        default:
          throw new BAD_OPERATION(op, 0, CompletionStatus.COMPLETED_NO);
      }
    }
  }

  static String pattern(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) b.append((char) ('a' + (i * 7 + i / 26) % 26));
    return b.toString();
  }

  static int client(ORB orb, String[] args) {
    ObjectImpl o = (ObjectImpl) orb.string_to_object(args[1]);
    try {
      for (int i = 2; i < args.length; i++) {
        String op = args[i];
        if (op.equals("ping")) {
          o._invoke(o._request("ping", true));
        } else if (op.equals("add")) {
          OutputStream out = o._request("add", true);
          out.write_long(2);
          out.write_long(3);
          int r = o._invoke(out).read_long();
          if (r != 5) return fail("add(2,3) = " + r);
        } else if (op.equals("small") || op.startsWith("big")) {
          String s = op.equals("small") ? "hello, world" : pattern(Integer.parseInt(op.substring(4)));
          OutputStream out = o._request("echoString", true);
          out.write_string(s);
          String r = o._invoke(out).read_string();
          if (!r.equals(s)) return fail("echoString returned " + r.length() + " chars");
        } else if (op.equals("isa")) {
          if (!o._is_a(ECHO)) return fail("_is_a false");
        } else if (op.equals("nonexist")) {
          if (o._non_existent()) return fail("_non_existent true");
        } else if (op.equals("user")) {
          OutputStream out = o._request("failUser", true);
          out.write_long(7);
          try {
            o._invoke(out);
            return fail("failUser did not raise");
          } catch (ApplicationException e) {
            InputStream in = e.getInputStream();
            if (!in.read_string().equals(REFUSED) || in.read_long() != 7) return fail("wrong Refused");
          }
        } else if (op.equals("system")) {
          OutputStream out = o._request("failSystem", true);
          out.write_ulong(42);
          try {
            o._invoke(out);
            return fail("failSystem did not raise");
          } catch (BAD_PARAM e) {
            if (e.minor != 42) return fail("BAD_PARAM minor " + e.minor);
          }
        } else if (op.equals("oneway")) {
          OutputStream out = o._request("note", false);
          out.write_string("fire and forget");
          o._invoke(out);
        } else {
          return fail("unknown op " + op);
        }
        System.out.println(op + " ok");
      }
    } catch (ApplicationException e) {
      return fail("unexpected user exception " + e.getId());
    } catch (org.omg.CORBA.SystemException e) {
      return fail("system exception " + e);
    } catch (org.omg.CORBA.portable.RemarshalException e) {
      return fail("remarshal " + e);
    }
    orb.shutdown(true);
    System.out.println("ALL OK");
    return 0;
  }

  static int fail(String why) {
    System.out.println("FAIL " + why);
    return 1;
  }
}
