# omniidl back-end used by concord's corpus test: prints "scoped::name repoid"
# for every declaration that carries a repository id, so the Go parser's ids
# can be compared with omniidl's own.
from omniidl import idlast, idltype


def _emit(d):
    print("%s %s" % ("::".join(d.scopedName()), d.repoId()))


def _walk_type(t):
    # Constructed types declared inline (struct in a member, enum in a union...).
    # The member's type is an idltype.Declared wrapping the declaration.
    if isinstance(t, idltype.Declared):
        t = t.decl()
    if t is not None and isinstance(t, (idlast.Struct, idlast.Union, idlast.Enum)):
        _walk(t)


def _walk(d):
    if isinstance(d, idlast.Module):
        _emit(d)
        for x in d.definitions():
            _walk(x)
    elif isinstance(d, (idlast.Interface, idlast.ValueAbs, idlast.Value)):
        _emit(d)
        for x in d.contents():
            _walk(x)
    elif isinstance(d, (idlast.Struct, idlast.Exception)):
        _emit(d)
        for m in d.members():
            if m.constrType():
                _walk_type(m.memberType())
    elif isinstance(d, idlast.Union):
        _emit(d)
        if d.constrType():
            _walk_type(d.switchType())
        for c in d.cases():
            if c.constrType():
                _walk_type(c.caseType())
    elif isinstance(d, idlast.Typedef):
        if d.constrType():
            _walk_type(d.aliasType())
        for x in d.declarators():
            _emit(x)
    elif isinstance(d, (idlast.Enum, idlast.Const, idlast.Native, idlast.Forward,
                        idlast.StructForward, idlast.UnionForward,
                        idlast.ValueForward, idlast.ValueBox)):
        _emit(d)
    elif isinstance(d, idlast.StateMember):
        if d.constrType():
            _walk_type(d.memberType())


def run(tree, args):
    for d in tree.declarations():
        _walk(d)
