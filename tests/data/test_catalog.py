import pytest

import graphdl.data as data
from graphdl.data.catalog import DATASETS, catalog


def test_every_listed_class_exists():
    assert all(hasattr(data, cls) for cls, *_ in DATASETS.values())
    assert [r["name"] for r in catalog()] == list(DATASETS)


@pytest.mark.parametrize("name", ["ba-shapes", "ba-community", "tree-cycles", "tree-grid", "ba-2motif"])
def test_generated_sets_match_their_listed_sizes(name):
    cls, graphs, nodes, edges, classes, files = DATASETS[name]
    ds = getattr(data, cls)(seed=0, verbose=False)
    gs = [ds[i][0] if isinstance(ds[i], tuple) else ds[i] for i in range(len(ds))]
    assert (len(gs), sum(g.num_nodes() for g in gs), sum(g.num_edges() for g in gs)) == (graphs, nodes, edges)
    assert ds.num_classes == classes and files == ()
    row = next(r for r in catalog() if r["name"] == name)
    assert row["offline"] == "yes (built in)"
