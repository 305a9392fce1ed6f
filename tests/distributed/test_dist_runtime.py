"""Multi-process tests of the distributed runtime: 2 and 4 ranks on 127.0.0.1 (gloo), each rank a
subprocess of tests/distributed/_worker.py, every run bounded in time and its children killed."""
import os
import signal
import socket
import subprocess
import sys

import pytest
import torch

import graphdl
from graphdl.distributed import partition_graph

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKER = os.path.join(HERE, "_worker.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ranks(world, scenario, config, out_dir, timeout=60, env_extra=None):
    port = _free_port()
    procs = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                   MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), OMP_NUM_THREADS="1",
                   PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]),
                   **(env_extra or {}))
        procs.append(subprocess.Popen([sys.executable, WORKER, scenario, config, str(out_dir)],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      start_new_session=True))
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=timeout)
            results.append((p.returncode, err.decode(errors="replace")))
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    return results


def _graph():
    g = graphdl.rand_graph(60, 300)
    g.ndata["feat"] = torch.arange(60 * 4, dtype=torch.float32).reshape(60, 4)
    g.ndata["train_mask"] = torch.arange(60) % 3 == 0
    g.edata["w"] = torch.arange(300, dtype=torch.float32)
    return g


@pytest.fixture(scope="module", params=[2, 4])
def parts(request, tmp_path_factory):
    world = request.param
    d = tmp_path_factory.mktemp(f"parts{world}")
    g = _graph()
    torch.manual_seed(3)
    nmap, emap = partition_graph(g, "g", world, str(d), part_method="random", return_mapping=True)
    return world, g, str(d / "g.json"), nmap, emap, d


def _ok(results):
    for rank, (code, err) in enumerate(results):
        assert code == 0, f"rank {rank} failed:\n{err[-3000:]}"


def _load(d, scenario, world):
    return [torch.load(os.path.join(d, f"{scenario}-rank{r}.pt"), weights_only=False) for r in range(world)]


def test_dist_tensor_reads_writes_and_structure(parts):
    world, g, config, nmap, emap, d = parts
    _ok(run_ranks(world, "tensor_rw", config, d))
    src_u, src_v = g.edges()
    for r, res in enumerate(_load(d, "tensor_rw", world)):
        assert torch.equal(res["feats"], g.ndata["feat"][nmap[res["order"]]])
        n = g.num_nodes()
        want = torch.stack([torch.arange(n).float(), (torch.arange(n) % world).float()], 1)
        assert torch.equal(res["back"], want)
        assert res["empty"] == (0, 4)
        assert torch.equal(res["in_deg"], g.in_degrees()[nmap])
        assert torch.equal(res["out_deg"], g.out_degrees()[nmap])
        s, t = res["edges"]
        old = emap[res["eids"]]
        assert torch.equal(nmap[s], src_u[old]) and torch.equal(nmap[t], src_v[old])


def test_node_split_covers_training_nodes_once(parts):
    world, g, config, nmap, emap, d = parts
    _ok(run_ranks(world, "split", config, d))
    res = _load(d, "split", world)
    train_new = torch.nonzero(g.ndata["train_mask"][nmap]).reshape(-1)
    even = torch.cat([r["even"] for r in res])
    assert torch.equal(torch.sort(even).values, train_new)
    sizes = [r["even"].numel() for r in res]
    assert max(sizes) - min(sizes) <= 1
    assert torch.equal(torch.sort(torch.cat([r["uneven"] for r in res])).values, train_new)


def test_sampling_matches_the_graph(parts):
    world, g, config, nmap, emap, d = parts
    _ok(run_ranks(world, "sample", config, d))
    inv_n = torch.empty_like(nmap)
    inv_n[nmap] = torch.arange(nmap.numel())
    inv_e = torch.empty_like(emap)
    inv_e[emap] = torch.arange(emap.numel())
    u, v = g.edges()
    new_u, new_v = inv_n[u], inv_n[v]
    in_edges = {}
    for e in range(g.num_edges()):
        in_edges.setdefault(int(new_v[e]), set()).add((int(new_u[e]), int(inv_e[e])))
    lens = set()
    for res in _load(d, "sample", world):
        seeds = res["seeds"].tolist()
        counts, nbrs, eids = res["full"]
        pos = 0
        for s, c in zip(seeds, counts.tolist()):
            got = set(zip(nbrs[pos:pos + c].tolist(), eids[pos:pos + c].tolist()))
            assert got == in_edges.get(s, set()), s
            pos += c
        counts, nbrs, eids = res["k"]
        pos = 0
        for s, c in zip(seeds, counts.tolist()):
            got = list(zip(nbrs[pos:pos + c].tolist(), eids[pos:pos + c].tolist()))
            assert c == min(3, len(in_edges.get(s, ()))) and len(set(got)) == c
            assert set(got) <= in_edges.get(s, set())
            pos += c
        lens.add(res["len"])
        for input_nodes, batch_seeds, blocks in res["batches"]:
            assert torch.equal(blocks[-1][1], batch_seeds)
            assert torch.equal(blocks[0][0], input_nodes)
            for src_nid, dst_nid, (bu, bv), beid in blocks:
                assert torch.equal(src_nid[: dst_nid.numel()], dst_nid)
                for a, b, e in zip(src_nid[bu].tolist(), dst_nid[bv].tolist(), beid.tolist()):
                    assert (a, e) in in_edges[b]
    assert len(lens) == 1, "every rank runs the same number of batches"


def test_edge_loader_pairs_and_negatives(parts):
    world, g, config, nmap, emap, d = parts
    _ok(run_ranks(world, "edges", config, d))
    u, v = g.edges()
    for res in _load(d, "edges", world):
        seen = []
        for nodes, (pu, pv), peid, (nu, nv), dst_nid, src_nid, input_nodes in res["batches"]:
            old = emap[peid]
            assert torch.equal(nmap[nodes[pu]], u[old]) and torch.equal(nmap[nodes[pv]], v[old])
            assert torch.equal(nodes[nu], nodes[pu].repeat_interleave(2))
            assert torch.equal(dst_nid, nodes) and torch.equal(src_nid, input_nodes)
            seen += peid.tolist()
        assert set(seen) == set(res["eids"].tolist())


def test_dist_embedding_sparse_adam_equals_single_process(parts):
    world, g, config, nmap, emap, d = parts
    _ok(run_ranks(world, "embedding", config, d))
    n, dim = g.num_nodes(), 3
    emb = graphdl.nn.NodeEmbedding(n, dim, "ref")
    with torch.no_grad():
        emb.weight.copy_(torch.arange(n * dim, dtype=torch.float32).reshape(n, dim) / (n * dim))
    opt = graphdl.optim.SparseAdam([emb], lr=0.1)
    for step in range(3):
        loss = 0
        for rank in range(world):
            ids = torch.tensor([(rank * 5 + step * 3 + j) % n for j in range(6)] + [rank])
            rows = emb(ids)
            loss = loss + (rows * torch.arange(1, dim + 1, dtype=torch.float32) * (rank + 1)).sum()
        loss.backward()
        opt.step()
    for res in _load(d, "embedding", world):
        torch.testing.assert_close(res["table"], emb.weight.detach(), rtol=1e-6, atol=1e-6)


def test_dead_rank_is_named_and_nobody_hangs(tmp_path):
    g = _graph()
    partition_graph(g, "g", 2, str(tmp_path), part_method="random")
    results = run_ranks(2, "hang", str(tmp_path / "g.json"), tmp_path, timeout=60,
                        env_extra={"GRAPHDL_TEST_TIMEOUT": "15"})
    code, err = results[0]
    assert code != 0
    assert "DistributedError" in err and "rank(s) [1]" in err, err[-2000:]
    assert results[1][0] == -signal.SIGKILL


def test_standalone_needs_one_partition(tmp_path):
    g = _graph()
    partition_graph(g, "g", 2, str(tmp_path), part_method="random")
    code = ("import graphdl.distributed as d; d.initialize(); "
            f"d.DistGraph('g', part_config={str(tmp_path / 'g.json')!r})")
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE")}
    env["PYTHONPATH"] = os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")])
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert p.returncode != 0 and b"one rank per partition" in p.stderr


EXAMPLE = os.path.join(ROOT, "examples", "distributed", "node_classification.py")


def _torchrun(args, timeout):
    env = dict(os.environ, OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    p = subprocess.Popen([sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2",
                          "--master-addr", "127.0.0.1", "--master-port", str(_free_port())] + args,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return p.returncode, out.decode(errors="replace")


@pytest.fixture(scope="module")
def cora_parts(tmp_path_factory):
    d = tmp_path_factory.mktemp("cora")
    g = graphdl.data.CoraGraphDataset(verbose=False)[0]
    partition_graph(g, "cora", 2, str(d), balance_ntypes=g.ndata["train_mask"].long())
    return str(d / "cora.json"), d


def test_two_rank_training_on_cora_learns(cora_parts):
    config, d = cora_parts
    res = os.path.join(d, "plain.json")
    code, out = _torchrun([EXAMPLE, "--graph-name", "cora", "--part-config", config,
                           "--num-epochs", "15", "--lr", "0.03", "--results", res], timeout=240)
    assert code == 0, out[-3000:]
    import json
    stats = json.load(open(res))
    assert stats["world_size"] == 2
    assert stats["test_at_best"] >= 0.70, stats  # single-process runs of this setting: 0.75-0.80


def test_killed_rank_restarts_from_checkpoint(cora_parts):
    config, d = cora_parts
    ck = os.path.join(d, "ck")
    res = os.path.join(d, "resumed.json")
    code, out = _torchrun(["--max-restarts", "1", EXAMPLE, "--graph-name", "cora",
                           "--part-config", config, "--num-epochs", "4", "--checkpoint-dir", ck,
                           "--checkpoint-every", "2", "--die-at-step", "5", "--timeout", "90",
                           "--results", res], timeout=240)
    assert code == 0, out[-3000:]
    assert "resumed from step 4" in out, out[-3000:]
    import json
    stats = json.load(open(res))
    # 70 training nodes per rank, batch 64: 2 batches an epoch, 4 epochs = 8 steps in all.
    assert stats["steps"] == 8, stats
