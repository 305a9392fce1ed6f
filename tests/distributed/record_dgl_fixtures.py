"""Record the DGL 2.1 partition fixtures the distributed tests read (run by hand, not by pytest).

Step 1, in DGL 2.1's environment (``DGLBACKEND=pytorch .venv-dgl/bin/python``)::

    python tests/distributed/record_dgl_fixtures.py write-dgl

writes two small graphs (``fixtures/source.dgl``) and DGL's own partitions of them
(``fixtures/dgl21_homo``, ``fixtures/dgl21_hetero``, with the id mappings DGL returned).

Step 2, in graphdl's environment: ``python tests/distributed/record_dgl_fixtures.py write-graphdl``
partitions the same graphs with graphdl into /tmp/graphdl_parts. Step 3, in DGL's environment
again: ``... record_dgl_fixtures.py read-graphdl`` loads graphdl's files with DGL's
``load_partition`` and records what DGL read in ``fixtures/graphdl_read_by_dgl.json``.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
GRAPHDL_OUT = "/tmp/graphdl_parts"


def source_graphs(lib):
    rng = np.random.default_rng(7)
    u, v = rng.integers(0, 30, 120), rng.integers(0, 30, 120)
    g = lib.graph((torch.tensor(u), torch.tensor(v)), num_nodes=30)
    g.ndata["feat"] = torch.tensor(rng.standard_normal((30, 3)), dtype=torch.float32)
    g.ndata["train_mask"] = torch.tensor(rng.random(30) < 0.5)
    g.edata["w"] = torch.tensor(rng.standard_normal(120), dtype=torch.float32)
    hg = lib.heterograph({
        ("user", "follows", "user"): (torch.tensor(rng.integers(0, 12, 40)), torch.tensor(rng.integers(0, 12, 40))),
        ("user", "buys", "item"): (torch.tensor(rng.integers(0, 12, 30)), torch.tensor(rng.integers(0, 9, 30))),
        ("item", "bought-by", "user"): (torch.tensor(rng.integers(0, 9, 25)), torch.tensor(rng.integers(0, 12, 25))),
    }, num_nodes_dict={"user": 12, "item": 9})
    hg.nodes["user"].data["x"] = torch.tensor(rng.standard_normal((12, 2)), dtype=torch.float32)
    hg.nodes["item"].data["y"] = torch.arange(9)
    hg.edges["buys"].data["r"] = torch.tensor(rng.standard_normal(30), dtype=torch.float32)
    return g, hg


def summary(lib, config):
    out = []
    cfg = json.load(open(config))
    for p in range(cfg["num_parts"]):
        lg, nf, ef, gpb, name, ntypes, etypes = lib.distributed.load_partition(config, p)
        u, v = lg.edges()
        nid = lg.ndata["_ID"]
        out.append({
            "num_nodes": lg.num_nodes(), "num_edges": lg.num_edges(),
            "inner_node": lg.ndata["inner_node"].tolist(), "nid": nid.tolist(),
            "part_id": lg.ndata["part_id"].tolist(),
            "src": nid[u].tolist(), "dst": nid[v].tolist(), "eid": lg.edata["_ID"].tolist(),
            "inner_edge": lg.edata["inner_edge"].tolist(),
            "node_feats": {k: v.double().sum().item() for k, v in nf.items()},
            "node_rows": {k: v.shape[0] for k, v in nf.items()},
            "edge_feats": {k: v.double().sum().item() for k, v in ef.items()},
            "metadata": gpb.metadata(), "ntypes": list(ntypes), "etypes": [list(e) for e in etypes],
        })
    return out


def main(step):
    if step == "write-dgl":
        import dgl
        g, hg = source_graphs(dgl)
        dgl.save_graphs(os.path.join(HERE, "source.dgl"), [g, hg])
        torch.manual_seed(0)
        nmap, emap = dgl.distributed.partition_graph(
            g, "homo", 2, os.path.join(HERE, "dgl21_homo"), num_hops=1, part_method="random",
            return_mapping=True)
        dgl.data.utils.save_tensors(os.path.join(HERE, "dgl21_homo", "mapping.dgl"),
                                    {"nid": nmap, "eid": emap})
        nmap, emap = dgl.distributed.partition_graph(
            hg, "hetero", 2, os.path.join(HERE, "dgl21_hetero"), num_hops=1, part_method="metis",
            return_mapping=True)
        dgl.data.utils.save_tensors(
            os.path.join(HERE, "dgl21_hetero", "mapping.dgl"),
            {**{f"nid/{k}": v for k, v in nmap.items()},
             **{f"eid/{':'.join(k)}": v for k, v in emap.items()}})
    elif step == "write-graphdl":
        import graphdl
        g, hg = graphdl.load_graphs(os.path.join(HERE, "source.dgl"))[0]
        torch.manual_seed(0)
        graphdl.distributed.partition_graph(g, "homo", 2, os.path.join(GRAPHDL_OUT, "homo"),
                                            num_hops=1, part_method="random")
        graphdl.distributed.partition_graph(hg, "hetero", 3, os.path.join(GRAPHDL_OUT, "hetero"),
                                            num_hops=2, part_method="random")
    elif step == "read-graphdl":
        import dgl
        rec = {"homo": summary(dgl, os.path.join(GRAPHDL_OUT, "homo", "homo.json")),
               "hetero": summary(dgl, os.path.join(GRAPHDL_OUT, "hetero", "hetero.json"))}
        with open(os.path.join(HERE, "graphdl_read_by_dgl.json"), "w") as f:
            json.dump(rec, f)
    else:
        raise SystemExit(f"unknown step {step!r}")


if __name__ == "__main__":
    main(sys.argv[1])
