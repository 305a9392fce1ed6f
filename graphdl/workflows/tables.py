"""Read node and edge tables (CSV or Parquet, several files each) in chunks through pyarrow.

Columns come back as a pandas frame together with where each row came from (file and row
number), so that a bad value is reported as ``file, column, row``. CSV columns are read as
text and converted by the caller, which is what lets a wrong type name its row; Parquet keeps
its own types.
"""
from __future__ import annotations

import glob
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..base import DGLError

__all__ = ["Table", "expand_files", "read_table", "to_id_strings", "to_numbers"]

_BLOCK = 1 << 22  # 4 MiB of CSV text per chunk


class Table:
    """Columns of one node or edge table plus the origin of each row.

    Attributes
    ----------
    frame : pandas.DataFrame
        The requested columns, in file order.
    files : list of str
        The files read, in order.
    file_index, row : numpy.ndarray
        For each row: the index into ``files`` and its 1-based data row in that file.
    """

    def __init__(self, frame: Any, files: List[str], file_index: np.ndarray, row: np.ndarray) -> None:
        self.frame = frame
        self.files = files
        self.file_index = file_index
        self.row = row

    def __len__(self) -> int:
        return len(self.frame)

    def where(self, column: str):
        """A function mapping a row position to ``"file, column C, row R"``."""
        def locate(i: int) -> str:
            if len(self.row) == 0:
                return f"column {column!r}"
            i = int(i)
            return f"{self.files[self.file_index[i]]}, column {column!r}, row {int(self.row[i])}"
        return locate

    def take(self, keep: np.ndarray) -> "Table":
        return Table(self.frame[keep].reset_index(drop=True), self.files, self.file_index[keep], self.row[keep])


def expand_files(files: Any, base: str, what: str) -> List[str]:
    """Resolve ``files`` (a path, a glob or a list of them) relative to ``base``."""
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not files:
        raise DGLError(f"{what}: \"files\" must name at least one file")
    out: List[str] = []
    for pattern in files:
        path = pattern if os.path.isabs(pattern) else os.path.join(base, pattern)
        if any(c in path for c in "*?["):
            matched = sorted(glob.glob(path))
            if not matched:
                raise DGLError(f"{what}: no file matches {path}")
            out.extend(matched)
        elif not os.path.isfile(path):
            raise DGLError(f"{what}: file {path} does not exist")
        else:
            out.append(path)
    return out


def _csv_batches(path: str, sep: str, columns: Sequence[str]):
    import pyarrow as pa  # optional at import time of graphdl
    import pyarrow.csv as pcsv

    parse = pcsv.ParseOptions(delimiter=sep)
    head = pcsv.open_csv(path, parse_options=parse, read_options=pcsv.ReadOptions(block_size=1 << 16))
    names = head.schema.names
    for c in columns:
        if c not in names:
            raise DGLError(f"{path}: no column {c!r} (columns: {', '.join(names)})")
    convert = pcsv.ConvertOptions(include_columns=list(columns),
                                  column_types={c: pa.string() for c in columns},
                                  strings_can_be_null=True)
    reader = pcsv.open_csv(path, parse_options=parse, convert_options=convert,
                           read_options=pcsv.ReadOptions(block_size=_BLOCK))
    for batch in reader:
        yield batch


def _parquet_batches(path: str, columns: Sequence[str]):
    import pyarrow.parquet as pq  # optional at import time of graphdl

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    for c in columns:
        if c not in names:
            raise DGLError(f"{path}: no column {c!r} (columns: {', '.join(names)})")
    yield from pf.iter_batches(batch_size=1 << 18, columns=list(columns))


def read_table(files: List[str], fmt: Dict[str, Any], columns: Sequence[str], what: str,
               progress: bool = True) -> Table:
    """Read ``columns`` from every file of a table, chunk by chunk, with a progress bar.

    Parameters
    ----------
    files : list of str
        The table's files (all of one format).
    fmt : dict
        GraphStorm's ``format``: ``{"name": "csv" | "parquet", "separator": ","}``.
    columns : sequence of str
        Columns to read; a missing one is an error naming the file.
    what : str
        How to name the table in messages.
    progress : bool
        Show a progress bar over the bytes read.

    Returns
    -------
    Table
    """
    import pandas as pd
    import pyarrow as pa
    from tqdm import tqdm

    name = (fmt or {}).get("name", "csv")
    if name not in ("csv", "parquet"):
        raise DGLError(f"{what}: unknown format {name!r}; use csv or parquet")
    sep = (fmt or {}).get("separator", ",")
    columns = list(dict.fromkeys(columns))
    total = sum(os.path.getsize(f) for f in files)
    frames, file_index, rows = [], [], []
    with tqdm(total=total, unit="B", unit_scale=True, desc=what, disable=not progress or None,
              leave=False) as bar:
        for k, path in enumerate(files):
            batches = _csv_batches(path, sep, columns) if name == "csv" else _parquet_batches(path, columns)
            seen = 0
            size = os.path.getsize(path)
            done = 0
            for batch in batches:
                n = batch.num_rows
                frames.append(pa.Table.from_batches([batch]).to_pandas())
                file_index.append(np.full(n, k, dtype=np.int32))
                rows.append(np.arange(seen + 1, seen + n + 1, dtype=np.int64))
                seen += n
                step = min(size - done, max(1, batch.nbytes // 2))
                bar.update(step)
                done += step
            bar.update(size - done)
    if not frames or sum(len(f) for f in frames) == 0:
        raise DGLError(f"{what}: the table is empty ({', '.join(files)})")
    frame = pd.concat(frames, ignore_index=True)
    return Table(frame, files, np.concatenate(file_index), np.concatenate(rows))


def to_id_strings(table: Table, column: str) -> np.ndarray:
    """The id column as strings; a missing or non-integer numeric id is an error naming its row."""
    col = table.frame[column]
    values = col.to_numpy()
    null = col.isna().to_numpy()
    if null.any():
        raise DGLError(f"{table.where(column)(np.flatnonzero(null)[0])}: missing id")
    if col.dtype.kind == "f":
        frac = values != np.floor(values)
        i = int(np.flatnonzero(frac)[0]) if frac.any() else 0
        raise DGLError(f"{table.where(column)(i)}: ids must be strings or integers, "
                       f"found floating-point value {values[i]!r}")
    if col.dtype.kind in "iu":
        return values.astype(str).astype(object)
    if col.dtype.kind == "b":
        raise DGLError(f"{table.where(column)(0)}: ids must be strings or integers, found booleans")
    return values.astype(str).astype(object)


def to_numbers(table: Table, column: str, allow_missing: bool = True) -> np.ndarray:
    """The column as float64 (missing -> NaN); text that is not a number is an error naming its row."""
    import pandas as pd

    col = table.frame[column]
    num = pd.to_numeric(col, errors="coerce")
    bad = num.isna().to_numpy() & col.notna().to_numpy()
    if col.dtype == object:
        bad &= col.astype(str).str.strip().ne("").to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DGLError(f"{table.where(column)(i)}: {col.iloc[i]!r} is not a number")
    out = num.to_numpy(dtype=np.float64)
    if not allow_missing and np.isnan(out).any():
        raise DGLError(f"{table.where(column)(np.flatnonzero(np.isnan(out))[0])}: missing value")
    return out
