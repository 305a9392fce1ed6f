"""Checks of the benchmark harness: shared inputs, worker protocol, error reporting."""

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import _harness as H  # noqa: E402


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHDL_BENCH_CACHE", str(tmp_path / "cache"))


def test_random_graph_is_cached_and_reproducible(tmp_path):
    src, dst = H.random_graph(50, 200, seed=3)
    assert src.dtype == np.int64 and dst.dtype == np.int64
    assert len(src) == len(dst) == 250
    # one self-loop per node after the random edges
    np.testing.assert_array_equal(src[200:], np.arange(50))
    np.testing.assert_array_equal(dst[200:], np.arange(50))
    assert src.min() >= 0 and src.max() < 50 and dst.max() < 50
    files = list((tmp_path / "cache").glob("graph_*.npy"))
    assert len(files) == 1
    # a second call reads the file instead of drawing again
    np.save(files[0], np.zeros((2, 250), dtype=np.int64))
    src2, _ = H.random_graph(50, 200, seed=3)
    assert not src2.any()
    # another seed gives another graph
    other, _ = H.random_graph(50, 200, seed=4)
    assert not np.array_equal(other[:200], src[:200])


def test_features_and_labels():
    x = H.random_features(30, 7)
    y = H.random_labels(30, 5)
    assert x.shape == (30, 7) and x.dtype == np.float32
    assert y.shape == (30,) and y.min() >= 0 and y.max() < 5
    np.testing.assert_array_equal(H.random_features(30, 7), x)


SCRIPT = textwrap.dedent('''
    import sys
    sys.path.insert(0, {bench_dir!r})
    import _harness as H

    def setup(backend, params):
        if params.get("fail"):
            raise RuntimeError("cannot build " + backend)
        src, dst = H.random_graph(params["n"], params["e"])
        total = int(src.sum() + dst.sum())
        def step():
            print("checksum", total)
        return step

    if __name__ == "__main__":
        H.main(__file__, setup, lambda args: [])
''')


def _script(tmp_path):
    path = tmp_path / "bench_fake.py"
    path.write_text(SCRIPT.format(bench_dir=str(Path(H.__file__).parent)))
    return str(path)


def test_worker_reports_times_memory_and_errors(tmp_path):
    script = _script(tmp_path)
    ok = H.Case("ok", {"n": 20, "e": 40}, prepare=lambda: H.random_graph(20, 40))
    bad = H.Case("bad", {"fail": True})
    results = H.run_comparison(script, [ok, bad], backends=["graphdl"], repeat=3, warmup=1,
                               threads=1, timeout=120, verbose=False)
    good, failed = results
    assert good.error is None, good.error
    assert len(good.times) == 3 and all(t >= 0 for t in good.times)
    assert good.peak_rss_mb > 0 and good.peak_rss_mb >= good.base_rss_mb
    assert "torch" in good.versions
    assert failed.error == "RuntimeError: cannot build graphdl"
    assert failed.median_ms is None
    table = H.format_table(results)
    assert "| bad | error |" in table
    assert "bad / graphdl: RuntimeError: cannot build graphdl" in table


def test_missing_dgl_interpreter_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHDL_DGL_PYTHON", str(tmp_path / "no-such-python"))
    res = H.run_case(_script(tmp_path), H.Case("x", {"n": 5, "e": 5}), "dgl",
                     repeat=1, warmup=0, threads=1, timeout=60)
    assert res.error is not None and "setup_envs.sh" in res.error


def test_ratio_columns():
    results = [H.Result("c", "graphdl", times=[0.1, 0.1, 0.3]),
               H.Result("c", "dgl", times=[0.2, 0.2, 0.2]),
               H.Result("c", "pyg", error="ImportError: no pyg-lib")]
    table = H.format_table(results, memory=False)
    header, _, row = table.splitlines()[:3]
    assert header == "| case | graphdl ms | DGL ms | PyG ms | graphdl / DGL | graphdl / PyG |"
    assert row == "| c | 100.0 | 200.0 | error | 0.50x | — |"


def test_rounds_pool_repetitions(tmp_path):
    case = H.Case("ok", {"n": 10, "e": 10}, prepare=lambda: H.random_graph(10, 10))
    (res,) = H.run_comparison(_script(tmp_path), [case], backends=["graphdl"], repeat=2, warmup=0,
                              threads=1, timeout=120, verbose=False, rounds=2)
    assert res.error is None, res.error
    assert len(res.times) == 4


def test_cpu_table():
    results = [H.Result("c", "graphdl", times=[1.0], cpu_times=[0.3]),
               H.Result("c", "dgl", times=[1.0], cpu_times=[0.6])]
    table = H.format_table(results, memory=False, cpu=True)
    assert table.splitlines()[2] == "| c | 300.0 | 600.0 | 0.50x |"
