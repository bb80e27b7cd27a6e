"""ORB start-up and reference resolving shared by the omniORBpy programs."""

import os
import sys


def add_stubs(stub_dir):
    """Makes the omniidl -bpython output in stub_dir importable."""
    sys.path.insert(0, os.path.abspath(stub_dir))


def init(argv):
    """Starts omniORB; returns the ORB and the arguments it did not consume."""
    from omniORB import CORBA
    orb = CORBA.ORB_init(argv, CORBA.ORB_ID)
    # ORB_init removes the -ORB options it understood from argv.
    return orb, argv[1:]


def is_ref(arg):
    return arg.startswith(("IOR:", "corbaloc:", "file:"))


def resolve(orb, ref):
    if ref.startswith("file:"):
        with open(ref[len("file:"):], encoding="ascii") as f:
            ref = f.read().strip()
    return orb.string_to_object(ref)
