"""Build the compressed Cora and Citeseer bundles shipped in ``graphdl/data/_bundled/``.

Usage: ``python scripts/bundle_planetoid.py [PLANETOID_FOLDER]`` (default
``../shared/datasets/planetoid``). Reads the raw ``ind.<name>.*`` files, processes them
exactly as :mod:`graphdl.data._planetoid` does at run time, stores the arrays with the
smallest integer types that hold them, and copies the data licence next to the bundles.
"""
from __future__ import annotations

import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)

from graphdl.data._planetoid import read_planetoid  # noqa: E402

OUT = os.path.join(REPO, "graphdl", "data", "_bundled")


def _shrink(array: np.ndarray) -> np.ndarray:
    """Store integer arrays with the narrowest signed type that holds every value."""
    if array.dtype.kind != "i" or array.size == 0:
        return array
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if array.min() >= info.min and array.max() <= info.max:
            return array.astype(dtype)
    return array


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "datasets", "planetoid")
    os.makedirs(OUT, exist_ok=True)
    for name in ("cora", "citeseer"):
        arrays = read_planetoid(folder, name)
        if np.all(arrays["feat_data"] == 1.0):
            arrays["feat_data"] = np.zeros(0, dtype=np.float32)  # empty means "every entry is 1"
        arrays = {key: _shrink(value) for key, value in arrays.items()}
        path = os.path.join(OUT, f"{name}.npz")
        np.savez_compressed(path, **arrays)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    shutil.copyfile(os.path.join(folder, "LICENSE"), os.path.join(OUT, "LICENSE.planetoid"))


if __name__ == "__main__":
    main()
