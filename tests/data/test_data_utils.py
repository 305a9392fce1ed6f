import os
import struct

import pytest
import torch

from graphdl.base import DGLError
from graphdl.data.utils import (
    check_sha256, download, extract_archive, load_tensors, save_tensors, split_dataset,
)


def test_tensor_file_round_trip(tmp_path):
    tensors = {"a": torch.randn(3, 4), "b": torch.arange(5, dtype=torch.int32), "m": torch.tensor([True, False])}
    path = str(tmp_path / "t.bin")
    save_tensors(path, tensors)
    got = load_tensors(path)
    assert set(got) == {"a", "b", "m"}
    assert torch.equal(got["a"], tensors["a"]) and got["b"].dtype == torch.int32
    assert got["m"].tolist() == [1, 0]


def test_tensor_file_as_dgl_ndarrays(tmp_path):
    from graphdl.compat.ndarray import NDArray

    tensors = {"a": torch.tensor([1, 3, -1, 0]), "1@1": torch.tensor([1.5, 2.0])}
    path = str(tmp_path / "t.bin")
    save_tensors(path, tensors)
    got = load_tensors(path, return_dgl_ndarray=True)
    for k, t in tensors.items():
        assert isinstance(got[k], NDArray) and isinstance(got[k], torch.Tensor)
        assert (got[k].asnumpy() == t.numpy()).all() and got[k].asnumpy().dtype == t.numpy().dtype
        assert got[k].ctx == torch.device("cpu")
    assert type(load_tensors(path)["a"]) is torch.Tensor


def test_tensor_file_damage(tmp_path):
    path = tmp_path / "t.bin"
    save_tensors(str(path), {"a": torch.randn(100)})
    data = path.read_bytes()
    for cut in range(0, len(data), 37):
        path.write_bytes(data[:cut])
        with pytest.raises(DGLError, match="Corrupt"):
            load_tensors(str(path))
    forged = bytearray(data)
    forged[8:16] = struct.pack("<Q", 1 << 60)
    forged[16:24] = struct.pack("<Q", 1 << 60)
    path.write_bytes(bytes(forged))
    with pytest.raises(DGLError, match="claims"):
        load_tensors(str(path))


def test_split_dataset():
    data = list(range(10))
    train, val, test = split_dataset(data, [0.6, 0.2, 0.2], shuffle=True, random_state=1)
    assert (len(train), len(val), len(test)) == (6, 2, 2)
    assert sorted(list(train) + list(val) + list(test)) == data
    again = split_dataset(data, [0.6, 0.2, 0.2], shuffle=True, random_state=1)[0]
    assert list(again) == list(train)
    assert list(split_dataset(data)[0]) == list(range(8))
    with pytest.raises(DGLError, match="sum to 1"):
        split_dataset(data, [0.5, 0.2, 0.2])


def test_download_from_local_url_checks_digest(tmp_path):
    src = tmp_path / "payload.txt"
    src.write_text("hello")
    url = "file://" + str(src)
    dest = str(tmp_path / "out" / "payload.txt")
    got = download(url, path=dest, log=False)
    assert open(got).read() == "hello"
    import hashlib

    digest = hashlib.sha256(b"hello").hexdigest()
    assert check_sha256(got, digest)
    with pytest.raises(DGLError, match="checksum"):
        download(url, path=dest, sha256_hash="0" * 64, log=False)


def test_download_unreachable_fails_fast(tmp_path):
    import time

    start = time.time()
    with pytest.raises(DGLError, match="place it at"):
        download("http://127.0.0.1:9/nothing.zip", path=str(tmp_path / "x.zip"), log=False, timeout=2)
    assert time.time() - start < 5


def test_extract_refuses_escaping_paths(tmp_path):
    import zipfile

    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../evil.txt", "x")
    with pytest.raises(DGLError, match="unsafe"):
        extract_archive(str(archive), str(tmp_path / "out"))
    assert not (tmp_path / "evil.txt").exists()


def test_dgl_written_tensor_file():
    import json

    folder = os.path.join(os.path.dirname(__file__), "fixtures")
    with open(os.path.join(folder, "dgl_tensors.json")) as f:
        expect = json.load(f)
    got = load_tensors(os.path.join(folder, "tensors.dgl"))
    assert set(got) == set(expect)
    for name, spec in expect.items():
        assert str(got[name].dtype) == "torch." + spec["dtype"]
        assert got[name].reshape(-1).to(torch.float64).tolist() == spec["values"]
