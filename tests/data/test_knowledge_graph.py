"""FB15k-237 / FB15k / WN18 on a small archive in the published layout (dictionaries plus triple files)."""
import io
import tarfile

import pytest
import torch

from graphdl import DGLError
from graphdl.data import FB15k237Dataset, FB15kDataset, WN18Dataset

from data_fixtures import no_network

FILES = {
    "entities.dict": "0\t/m/a\n1\t/m/b\n2\t/m/c\n3\t/m/d\n",
    "relations.dict": "0\t/people/x\n1\t/film/y\n",
    "train.txt": "/m/a\t/film/y\t/m/b\n/m/b\t/people/x\t/m/c\n/m/c\t/film/y\t/m/d\n",
    "valid.txt": "/m/d\t/people/x\t/m/a\n",
    "test.txt": "/m/a\t/film/y\t/m/c\n",
}


def write_tgz(path, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("cls,name", [(FB15k237Dataset, "FB15k-237"), (FB15kDataset, "FB15k"), (WN18Dataset, "wn18")])
def test_graph_with_reverse(tmp_path, monkeypatch, cls, name):
    no_network(monkeypatch)
    write_tgz(tmp_path / f"{name}.tgz", FILES)
    ds = cls(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert ds.num_nodes == 4 and ds.num_rels == 2 and g.num_nodes() == 4
    src, dst = (t.tolist() for t in g.edges())
    # relation 1 (first seen) groups a->b, c->d, a->c; then relation 0: b->c, d->a; then the reverses
    assert list(zip(src, dst))[:5] == [(0, 1), (2, 3), (0, 2), (1, 2), (3, 0)]
    assert list(zip(src, dst))[5:] == [(1, 0), (3, 2), (2, 0), (2, 1), (0, 3)]
    assert g.edata["etype"].tolist() == [1, 1, 1, 0, 0, 3, 3, 3, 2, 2]
    assert g.edata["train_edge_mask"].tolist() == [True, True, False, True, False] + [False] * 5
    assert g.edata["train_mask"].tolist() == [True, True, False, True, False] * 2
    assert g.edata["val_mask"].tolist() == [False, False, False, False, True] * 2
    assert g.edata["test_edge_mask"].tolist() == [False, False, True, False, False] + [False] * 5
    assert g.edata["test_mask"].dtype == torch.bool and g.ndata["ntype"].tolist() == [0, 0, 0, 0]


def test_without_reverse_and_errors(tmp_path):
    folder = tmp_path / "FB15k-237"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text)
    g = FB15k237Dataset(reverse=False, raw_dir=str(tmp_path), verbose=False)[0]
    assert g.num_edges() == 5 and torch.equal(g.edata["train_mask"], g.edata["train_edge_mask"])
    (folder / "test.txt").write_text("/m/a\t/film/z\t/m/c\n")
    with pytest.raises(DGLError, match="test.txt:1"):
        FB15k237Dataset(raw_dir=str(tmp_path), verbose=False, force_reload=True)


def test_offline(tmp_path, monkeypatch):
    no_network(monkeypatch)
    with pytest.raises(DGLError, match=r"https://data.dgl.ai/dataset/wn18.tgz.*entities.dict"):
        WN18Dataset(raw_dir=str(tmp_path), verbose=False)
