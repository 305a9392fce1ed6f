import math

import numpy as np
import pytest
import torch

from graphdl.base import DGLError
from graphdl.workflows.transforms import make_transform, transform_from_state


def run(spec, *cols, fill_na="error"):
    t = make_transform(spec, fill_na)
    out = t.fit_apply([np.asarray(c, dtype=object if isinstance(c[0], str) else None) for c in cols], str)
    return t, out


def test_none_and_max_min():
    _, out = run(None, [1.0, 2.0])
    assert out.tolist() == [[1.0], [2.0]]
    t, out = run({"name": "max_min_norm"}, [2.0, 4.0, 6.0], [0.0, 10.0, 5.0])
    np.testing.assert_allclose(out, [[0, 0], [0.5, 1], [1, 0.5]])
    t, out = run({"name": "max_min_norm", "max_bound": 4.0}, [2.0, 4.0, 6.0])
    np.testing.assert_allclose(out[:, 0], [0, 1, 1])  # clipped at the bound
    again = transform_from_state(t.state()).apply([np.array([3.0])], str)
    np.testing.assert_allclose(again, [[0.5]])


def test_standard_divides_by_sum():
    _, out = run({"name": "standard"}, [1.0, 3.0])
    np.testing.assert_allclose(out[:, 0], [0.25, 0.75])


def test_rank_gauss():
    eps = 1e-6
    _, out = run({"name": "rank_gauss", "epsilon": eps}, [30.0, 10.0, 20.0])
    u = np.clip(np.array([1.0, -1.0, 0.0]), -1 + eps, 1 - eps)
    ref = torch.erfinv(torch.tensor(u)).numpy()
    np.testing.assert_allclose(out[:, 0], ref, rtol=1e-5)


def test_bucket_numerical():
    _, out = run({"name": "bucket_numerical", "bucket_cnt": 4, "range": [0, 8]}, [0.5, 3.0, 7.9, 100.0, -5.0])
    assert out.argmax(1).tolist() == [0, 1, 3, 3, 0]
    assert out.sum(1).tolist() == [1, 1, 1, 1, 1]
    _, out = run({"name": "bucket_numerical", "bucket_cnt": 4, "range": [0, 8], "slide_window_size": 2}, [3.0])
    assert out.tolist() == [[0, 1, 1, 0]]  # [2, 4] meets [2, 4) and [4, 6)
    _, out = run({"name": "bucket_numerical", "bucket_cnt": 4, "range": [0, 8], "slide_window_size": 1}, [3.0])
    assert out.tolist() == [[0, 1, 0, 0]]


def test_categorical_and_multi_hot():
    t, out = run({"name": "to_categorical"}, ["b", "a", "b"])
    assert t.fitted["mapping"] == {"a": 0, "b": 1}
    assert out.tolist() == [[0, 1], [1, 0], [0, 1]]
    t, out = run({"name": "to_categorical", "separator": "|"}, ["x|y", "y", "z|x"])
    assert out.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    unseen = transform_from_state(t.state()).apply([np.array(["w|y"], dtype=object)], str)
    assert unseen.tolist() == [[0, 1, 0]]
    t, out = run({"name": "to_categorical", "mapping": {"a": 1, "b": 0}}, ["a", "b"])
    assert out.tolist() == [[0, 1], [1, 0]]


def test_hash_text_and_tfidf():
    import zlib

    _, out = run({"name": "hash_text", "dim": 8}, ["Red red blue"])
    ref = np.zeros(8)
    for tok in ["red", "red", "blue"]:
        ref[zlib.crc32(tok.encode()) % 8] += 1
    np.testing.assert_allclose(out[0], ref / np.linalg.norm(ref), rtol=1e-6)
    t, out = run({"name": "tfidf", "max_features": 10}, ["a b", "a"])
    assert t.fitted["vocab"] == ["a", "b"]
    idf_b = math.log(3 / 2) + 1
    row0 = np.array([1.0, idf_b])
    np.testing.assert_allclose(out[0], row0 / np.linalg.norm(row0), rtol=1e-6)
    np.testing.assert_allclose(out[1], [1.0, 0.0])


def test_timestamp():
    _, out = run({"name": "timestamp"}, ["1970-01-01T00:00:00Z", "1970-01-02T06:00:00Z"])
    np.testing.assert_allclose(out[:, 0], [0, 1])
    np.testing.assert_allclose(out[1, 1:3], [1, 0], atol=1e-6)  # 06:00 -> sin 1, cos 0


def test_fill_na_policies():
    _, out = run({"name": "none"}, [1.0, np.nan, 3.0], fill_na="mean")
    assert out[:, 0].tolist() == [1, 2, 3]
    _, out = run({"name": "none"}, [1.0, np.nan, 5.0], fill_na=-1)
    assert out[:, 0].tolist() == [1, -1, 5]
    with pytest.raises(DGLError, match="missing value"):
        run({"name": "none"}, [1.0, np.nan])


def test_unknown_transform():
    with pytest.raises(DGLError, match="unknown transform 'bert'"):
        make_transform({"name": "bert"})
