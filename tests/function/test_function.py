import dataclasses

import pytest

import graphdl.function as fn

BINARY = [f"{a}_{op}_{b}" for a in "uve" for op in ["add", "sub", "mul", "div", "dot"] for b in "uve" if a != b]


def test_all_thirty_binary_messages_exist():
    assert len(BINARY) == 30
    for name in BINARY:
        m = getattr(fn, name)("x", "y", "out")
        assert m.name == name
        assert (m.lhs_target, m.op, m.rhs_target) == tuple(name.split("_"))
        assert (m.lhs_field, m.rhs_field, m.out_field) == ("x", "y", "out")
        assert name in fn.__all__


def test_copy_and_aliases():
    assert fn.copy_u("h", "m") == fn.copy_src("h", "m")
    assert fn.copy_e("w", "m") == fn.copy_edge("w", "m")
    assert fn.src_mul_edge("h", "w", "m") == fn.u_mul_e("h", "w", "m")
    m = fn.copy_u("h", "m")
    assert (m.op, m.lhs_target, m.lhs_field, m.out_field, m.name) == ("copy", "u", "h", "m", "copy_u")


@pytest.mark.parametrize("name", ["sum", "max", "min", "mean"])
def test_reducers(name):
    r = getattr(fn, name)("m", "h")
    assert (r.reduce_op, r.msg_field, r.out_field, r.name) == (name, "m", "h", name)
    assert isinstance(r, fn.ReduceFunction)


def test_builtins_are_frozen():
    m = fn.u_add_v("a", "b", "c")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.op = "mul"
    assert hash(m) == hash(fn.u_add_v("a", "b", "c"))
