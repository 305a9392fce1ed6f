"""graphdl.utils: recursive_apply, is_sorted_srcdst and Filter."""
import collections

import pytest
import torch

import graphdl
from graphdl.utils import is_sorted_srcdst, recursive_apply, recursive_apply_pair


def test_recursive_apply_keeps_the_nesting():
    Pair = collections.namedtuple("Pair", "a b")
    data = {"x": torch.ones(2), "y": [torch.zeros(3), (torch.ones(1), "s")], "p": Pair(torch.ones(4), 1)}
    out = recursive_apply(data, lambda v: v * 2 if isinstance(v, torch.Tensor) else v)
    assert torch.equal(out["x"], torch.full((2,), 2.0))
    assert isinstance(out["y"], list) and isinstance(out["y"][1], tuple) and out["y"][1][1] == "s"
    assert type(out["p"]) is Pair and torch.equal(out["p"].a, torch.full((4,), 2.0))
    assert recursive_apply(torch.arange(3), lambda v, k: v + k, 1).tolist() == [1, 2, 3]
    assert recursive_apply_pair({"a": 1, "b": [2]}, {"a": 10, "b": [20]}, lambda u, v: u + v) == {"a": 11, "b": [22]}


def test_is_sorted_srcdst():
    t = torch.tensor
    assert is_sorted_srcdst(t([0, 0, 1]), t([1, 2, 0])) == (True, True)
    assert is_sorted_srcdst(t([0, 0, 1]), t([2, 1, 0])) == (True, False)
    assert is_sorted_srcdst(t([1, 0]), t([0, 1])) == (False, False)
    assert is_sorted_srcdst(t([], dtype=torch.int64), t([], dtype=torch.int64)) == (True, True)



def test_filter_included_and_excluded_positions(idtype):
    from graphdl.utils import Filter

    members = torch.tensor([0, 1, 9, 4, 6, 5, 7, 9], dtype=idtype)
    x = torch.tensor([0, 19, 0, 28, 3, 9, 11, 4, 5], dtype=idtype)
    f = Filter(members)
    inc, exc = f.find_included_indices(x), f.find_excluded_indices(x)
    ref = [i for i, v in enumerate(x.tolist()) if v in set(members.tolist())]
    assert inc.tolist() == ref and inc.dtype == idtype
    assert exc.tolist() == [i for i in range(len(x)) if i not in ref] and exc.dtype == idtype
    assert f.find_included_indices(torch.zeros(0, dtype=idtype)).numel() == 0
    with pytest.raises(graphdl.DGLError):
        Filter(torch.tensor([0.5]))
