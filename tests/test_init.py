"""graphdl.init and DGLGraph.set_n_initializer / set_e_initializer."""
import torch

import graphdl
import graphdl.function as fn


def _twos(shape, dtype, ctx, id_range):
    return torch.full(shape, 2.0, dtype=dtype, device=ctx)


def test_zero_initializer_is_zeros():
    out = graphdl.init.zero_initializer((3, 2), torch.float64, torch.device("cpu"), slice(0, 3))
    assert out.dtype == torch.float64 and torch.equal(out, torch.zeros(3, 2, dtype=torch.float64))


def test_partial_node_write_uses_the_field_initializer(idtype):
    g = graphdl.graph(([0, 1], [1, 2]), idtype=idtype)
    g.set_n_initializer(_twos, field="h")
    g.nodes[[0]].data["h"] = torch.ones(1, 3)
    g.nodes[[1]].data["w"] = torch.ones(1, 1)  # no initializer for "w": zeros
    assert g.ndata["h"].tolist() == [[1.0] * 3, [2.0] * 3, [2.0] * 3]
    assert g.ndata["w"].tolist() == [[0.0], [1.0], [0.0]]


def test_edge_initializer_survives_local_var_and_add_edges(idtype):
    calls = []

    def ones(shape, dtype, ctx, id_range):
        calls.append(id_range)
        return torch.ones(shape, dtype=dtype, device=ctx)

    g = graphdl.graph(([0, 1], [1, 1]), idtype=idtype)
    g.set_e_initializer(ones, field="h")
    lg = g.local_var()
    lg.edges[[0]].data["h"] = torch.full((1, 1), 5.0)
    assert lg.edata["h"].tolist() == [[5.0], [1.0]]
    assert "h" not in g.edata
    g.edata["h"] = torch.zeros(2, 1)
    g.add_edges([2], [0])
    assert g.edata["h"].tolist() == [[0.0], [0.0], [1.0]]
    assert calls[-1] == slice(2, 3)  # the initializer is told which ids it fills


def test_udf_reduce_fills_zero_in_degree_nodes_with_the_initializer(idtype):
    g = graphdl.graph(([1, 2], [0, 0]), num_nodes=4, idtype=idtype)
    g.set_n_initializer(_twos, "x")
    h = torch.randn(4, 3)
    g.ndata["h"] = h
    g.update_all(lambda e: {"m": e.src["h"]}, lambda n: {"x": n.mailbox["m"].sum(1)},
                 lambda n: {"x": n.data["x"] * 10})
    torch.testing.assert_close(g.ndata["x"][0], (h[1] + h[2]) * 10)
    assert torch.equal(g.ndata["x"][1:], torch.full((3, 3), 20.0))
    # the built-in path is unchanged: nodes without messages get 0
    g.update_all(fn.copy_u("h", "m"), fn.sum("m", "y"))
    assert torch.equal(g.ndata["y"][1:], torch.zeros(3, 3))
