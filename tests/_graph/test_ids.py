"""The id converter and bounds check shared by every id-taking function."""
import numpy as np
import pytest
import torch

import graphdl as dgl
from graphdl import DGLError
from graphdl._graph.ids import check_ids, to_id_tensor


def test_containers_become_1d_tensors(idtype):
    for ids in (3, np.int64(3), [3], np.array([3]), torch.tensor(3), torch.tensor([3])):
        t = to_id_tensor(ids, idtype)
        assert t.dtype == idtype and t.tolist() == [3]
    assert to_id_tensor([], idtype).shape == (0,)
    assert to_id_tensor(range(2), idtype).tolist() == [0, 1]
    with pytest.raises(DGLError, match="1-D"):
        to_id_tensor(torch.zeros(2, 2, dtype=torch.int64), idtype)
    with pytest.raises(DGLError, match="Cannot interpret"):
        to_id_tensor("abc", idtype)


def test_masks_only_where_allowed(idtype):
    mask = torch.tensor([True, False, True])
    with pytest.raises(DGLError, match="Boolean"):
        to_id_tensor(mask, idtype)
    with pytest.raises(DGLError, match="Boolean"):
        to_id_tensor([True, False], idtype)
    assert to_id_tensor(mask, idtype, allow_mask=True).tolist() == [0, 2]
    assert to_id_tensor([False, True], idtype, allow_mask=True).tolist() == [1]
    # as in DGL, a mask's length need not match the bound; its True positions must lie in it
    assert to_id_tensor(torch.tensor([True]), idtype, bound=3, allow_mask=True).tolist() == [0]
    assert to_id_tensor(torch.tensor([False, True, False, False]), idtype, bound=3,
                        allow_mask=True).tolist() == [1]
    with pytest.raises(DGLError, match="3"):
        to_id_tensor(torch.tensor([False, False, False, True]), idtype, bound=3, allow_mask=True)


def test_integral_floats_only_where_allowed(idtype):
    with pytest.raises(DGLError, match="integer"):
        to_id_tensor(torch.tensor([1.0]), idtype)
    assert to_id_tensor(torch.tensor([1.0, 4.0]), idtype, allow_float=True).tolist() == [1, 4]
    with pytest.raises(DGLError, match="integer"):
        to_id_tensor(torch.tensor([1.5]), idtype, allow_float=True)


def test_device_is_checked_unless_moving():
    meta = torch.tensor([1], device="meta")
    with pytest.raises(DGLError, match="on meta"):
        to_id_tensor(meta, torch.int64, "cpu")
    # a Python list has no device: it is created where it is needed
    assert to_id_tensor([1], torch.int64, "cpu").device.type == "cpu"


def test_bounds_name_the_id():
    with pytest.raises(DGLError, match="edge id 5: there are only 5 edges"):
        to_id_tensor([0, 5], torch.int64, what="edge", bound=5)
    with pytest.raises(DGLError, match="node id -1"):
        check_ids(torch.tensor([-1, 2]), 3, "node")
    check_ids(torch.zeros(0, dtype=torch.int64), 0, "node")


def test_int32_overflow_is_not_a_negative_id():
    big = 2**31 + 5
    with pytest.raises(DGLError, match=f"{big} is too large for int32"):
        to_id_tensor(torch.tensor([big]), torch.int32)
    with pytest.raises(DGLError, match="too large for int32"):
        to_id_tensor([big], torch.int32, bound=10)
    g = dgl.graph(([0, 1], [1, 2]), idtype=torch.int32)
    for query in (g.in_degrees, g.out_edges, g.has_nodes):
        with pytest.raises(DGLError, match="too large for int32"):
            query(torch.tensor([big]))
    # int64 graphs take the same id and report it out of range
    g64 = dgl.graph(([0, 1], [1, 2]))
    with pytest.raises(DGLError, match=f"node id {big}"):
        g64.in_degrees(big)


def test_has_edges_between_checks_ids(idtype):
    g = dgl.graph(([0, 1], [1, 2]), idtype=idtype)
    assert g.has_edges_between([0, 1, 2], [1, 1, 2]).tolist() == [True, False, False]
    with pytest.raises(DGLError, match="source node id 3"):
        g.has_edges_between(3, 0)
    with pytest.raises(DGLError, match="destination node id 9"):
        g.has_edges_between([0], [9])


def test_degrees_of_a_few_nodes_match_and_build_nothing(idtype):
    rng = np.random.default_rng(0)
    n = 200
    src = torch.from_numpy(rng.integers(0, n, 1000))
    dst = torch.from_numpy(rng.integers(0, n, 1000))
    g = dgl.graph((src, dst), num_nodes=n, idtype=idtype)
    q = torch.tensor([5, 17, 5, 199, 0])
    ref_in = torch.bincount(dst, minlength=n)[q]
    ref_out = torch.bincount(src, minlength=n)[q]
    assert g.in_degrees(q).tolist() == ref_in.tolist()
    assert g.out_degrees(q).tolist() == ref_out.tolist()
    assert g.in_degrees(17) == int(torch.bincount(dst, minlength=n)[17])
    adj = g._adj()
    # no per-node array for the whole graph was built for those queries
    assert adj._in_deg is None and adj._out_deg is None and adj._csc is None and adj._csr is None
    assert g.in_degrees(q).dtype == idtype
    # cached forms answer the same
    g.create_formats_()
    assert g.in_degrees(q).tolist() == ref_in.tolist()
    assert g.out_degrees(q).tolist() == ref_out.tolist()
    # a node without edges
    h = dgl.graph(([0], [1]), num_nodes=1000, idtype=idtype)
    assert h.in_degrees([999, 1]).tolist() == [0, 1]
    assert h.in_degrees(torch.tensor([], dtype=torch.int64)).tolist() == []


def test_zero_dim_integer_arrays_are_scalar_ids():
    import numpy as np

    import graphdl

    g = graphdl.graph(([0, 1], [1, 1]))
    assert g.predecessors(np.array(1)).tolist() == [0, 1]
    assert g.successors(np.array(0)).tolist() == [1]
    assert g.in_degrees(np.array(1)) == 2
    from graphdl._graph.ids import is_scalar_id

    assert not is_scalar_id(np.array(1.0)) and not is_scalar_id(np.array([1]))
