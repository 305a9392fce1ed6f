"""Read node and edge tables (CSV or Parquet, several files each) in chunks through pyarrow.

Two readers. :func:`stream_table` (graph construction) converts each record batch as it
arrives and keeps only compact per-column results: id columns as integer codes into an
ordered dictionary of the distinct ids, numeric columns as float64, other columns as Arrow
arrays; no whole table is ever held as a pandas frame, so memory follows the size of the
converted columns rather than of the text. :func:`read_table` (a few new rows at inference)
returns a pandas frame. Both remember where each row came from (file and row number), so that
a bad value is reported as ``file, column, row``. CSV columns are read as text and converted
by the caller, which is what lets a wrong type name its row; Parquet keeps its own types.
"""
from __future__ import annotations

import glob
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..base import DGLError

__all__ = ["Table", "StreamedTable", "expand_files", "read_table", "stream_table", "to_id_strings",
           "to_numbers"]

_BLOCK = 1 << 22  # 4 MiB of CSV text per chunk
_PARQUET_ROWS = 1 << 16  # rows per Parquet record batch (a batch's pandas frame is transient memory)


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

    def numbers_of(self, column: str, allow_missing: bool = True) -> np.ndarray:
        """The column as float64 (see :func:`to_numbers`)."""
        return to_numbers(self, column, allow_missing)

    def objects(self, column: str) -> np.ndarray:
        """The column as an object array."""
        return self.frame[column].to_numpy(dtype=object)

    def series(self, column: str) -> Any:
        """The column as a pandas series."""
        return self.frame[column]


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
    yield from pf.iter_batches(batch_size=_PARQUET_ROWS, columns=list(columns))


def _batches(path: str, name: str, sep: str, columns: Sequence[str]):
    return _csv_batches(path, sep, columns) if name == "csv" else _parquet_batches(path, columns)


def _check_format(fmt: Optional[Dict[str, Any]], what: str) -> Tuple[str, str]:
    name = (fmt or {}).get("name", "csv")
    if name not in ("csv", "parquet"):
        raise DGLError(f"{what}: unknown format {name!r}; use csv or parquet")
    return name, (fmt or {}).get("separator", ",")


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

    name, sep = _check_format(fmt, what)
    columns = list(dict.fromkeys(columns))
    total = sum(os.path.getsize(f) for f in files)
    frames, file_index, rows = [], [], []
    with tqdm(total=total, unit="B", unit_scale=True, desc=what, disable=not progress or None,
              leave=False) as bar:
        for k, path in enumerate(files):
            batches = _batches(path, name, sep, columns)
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


class IdCodes:
    """Ordered dictionary of the distinct ids of one column and each row's code into it.

    Codes are int32 while the dictionary fits (int64 beyond), kept as one array per record
    batch until :meth:`map` turns them into final ids.
    """

    def __init__(self) -> None:
        self.position: Dict[str, int] = {}
        self.chunks: List[np.ndarray] = []

    def add(self, ids: np.ndarray) -> None:
        import pandas as pd

        local, uniq = pd.factorize(ids)
        pos = self.position
        # setdefault evaluates len(pos) first: a new id gets the next code
        code = np.fromiter((pos.setdefault(u, len(pos)) for u in uniq), dtype=np.int64, count=len(uniq))
        dtype = np.int32 if len(pos) < 2**31 else np.int64
        self.chunks.append(code.astype(dtype)[local] if len(code) else np.zeros(0, dtype))

    def keys(self) -> List[str]:
        """The distinct ids in order of first appearance."""
        return list(self.position)

    def map(self, lookup: np.ndarray, free: bool = True) -> np.ndarray:
        """``lookup[code]`` for every row (int64), filled chunk by chunk; frees the codes
        unless ``free`` is false."""
        n = sum(len(c) for c in self.chunks)
        out = np.empty(n, dtype=np.int64)
        at = 0
        for c in self.chunks:
            out[at:at + len(c)] = lookup[c]
            at += len(c)
        if free:
            self.chunks = []
        return out


class StreamedTable:
    """Converted columns of one table read batch by batch (see :func:`stream_table`).

    Attributes
    ----------
    files : list of str
        The files read, in order.
    starts : numpy.ndarray
        Row offset of each file in the table (``len(files) + 1`` entries).
    ids : dict
        Id column -> :class:`IdCodes` (edge tables).
    id_strings : dict
        Id column -> the ids as an object array of strings (node tables).
    """

    def __init__(self, files: List[str], starts: np.ndarray) -> None:
        self.files = files
        self.starts = starts
        self.keep: Optional[np.ndarray] = None
        self.ids: Dict[str, IdCodes] = {}
        self.id_strings: Dict[str, np.ndarray] = {}
        self._numbers: Dict[str, List[np.ndarray]] = {}
        self._raw: Dict[str, List[Any]] = {}

    def __len__(self) -> int:
        return int(self.starts[-1]) if self.keep is None else len(self.keep)

    def locate(self, i: int) -> Tuple[int, int]:
        """(file index, 1-based data row) of row ``i`` (after :meth:`take`)."""
        p = int(i) if self.keep is None else int(self.keep[int(i)])
        k = int(np.searchsorted(self.starts, p, side="right")) - 1
        return k, p - int(self.starts[k]) + 1

    def where(self, column: str):
        """A function mapping a row position to ``"file, column C, row R"``."""
        def locate(i: int) -> str:
            k, row = self.locate(i)
            return f"{self.files[k]}, column {column!r}, row {row}"
        return locate

    def take(self, keep: np.ndarray) -> "StreamedTable":
        """The rows where the boolean ``keep`` is true (columns are filtered when read)."""
        out = StreamedTable(self.files, self.starts)
        out.ids, out.id_strings, out._numbers, out._raw = self.ids, self.id_strings, self._numbers, self._raw
        out.keep = np.flatnonzero(keep) if self.keep is None else self.keep[keep]
        return out

    def numbers_of(self, column: str, allow_missing: bool = True) -> np.ndarray:
        """The column as float64, missing values NaN (converted batch by batch by :func:`to_numbers`)."""
        parts = self._numbers[column]
        x = parts[0] if len(parts) == 1 else np.concatenate(parts)
        self._numbers[column] = [x]  # the batches are joined once and freed
        if self.keep is not None:
            x = x[self.keep]
        if not allow_missing and np.isnan(x).any():
            raise DGLError(f"{self.where(column)(np.flatnonzero(np.isnan(x))[0])}: missing value")
        return x

    def series(self, column: str) -> Any:
        """The column as a pandas series (converted from Arrow when asked for, batch by batch
        as pandas would concatenate whole batches)."""
        import pandas as pd

        s = pd.concat([c.to_pandas() for c in self._raw[column]], ignore_index=True)
        if self.keep is not None:
            s = s.iloc[self.keep].reset_index(drop=True)
        return s

    def objects(self, column: str) -> np.ndarray:
        """The column as an object array."""
        return self.series(column).to_numpy(dtype=object)


def stream_table(files: List[str], fmt: Dict[str, Any], columns: Dict[str, Sequence[str]], what: str,
                 progress: bool = True) -> StreamedTable:
    """Read a table batch by batch, converting each column as its batch arrives.

    Parameters
    ----------
    files : list of str
        The table's files (all of one format).
    fmt : dict
        GraphStorm's ``format``: ``{"name": "csv" | "parquet", "separator": ","}``.
    columns : dict
        Column -> how to keep it, any of ``"id"`` (codes into an ordered dictionary of the
        distinct ids), ``"id_strings"`` (the ids as strings), ``"number"`` (float64) and
        ``"raw"`` (Arrow arrays, converted to pandas one column at a time when used).
    what : str
        How to name the table in messages.
    progress : bool
        Show a progress bar over the bytes read.

    Returns
    -------
    StreamedTable
    """
    import pyarrow as pa
    from tqdm import tqdm

    name, sep = _check_format(fmt, what)
    names = list(columns)
    out = StreamedTable(files, np.zeros(len(files) + 1, dtype=np.int64))
    kinds = {c: set(k) for c, k in columns.items()}
    for c, k in kinds.items():
        if "id" in k:
            out.ids[c] = IdCodes()
        if "number" in k:
            out._numbers[c] = []
        if "raw" in k:
            out._raw[c] = []
    strings: Dict[str, List[np.ndarray]] = {c: [] for c, k in kinds.items() if "id_strings" in k}
    total = sum(os.path.getsize(f) for f in files)
    with tqdm(total=total, unit="B", unit_scale=True, desc=what, disable=not progress or None,
              leave=False) as bar:
        for k, path in enumerate(files):
            seen = 0
            size = os.path.getsize(path)
            done = 0
            for batch in _batches(path, name, sep, names):
                n = batch.num_rows
                if n:
                    mini = Table(pa.Table.from_batches([batch]).to_pandas(), files,
                                 np.full(n, k, dtype=np.int32), np.arange(seen + 1, seen + n + 1, dtype=np.int64))
                    for c, kind in kinds.items():
                        if "id" in kind or "id_strings" in kind:
                            ids = to_id_strings(mini, c)
                            if "id" in kind:
                                out.ids[c].add(ids)
                            if "id_strings" in kind:
                                strings[c].append(ids)
                        if "number" in kind:
                            out._numbers[c].append(to_numbers(mini, c))
                        if "raw" in kind:
                            out._raw[c].append(batch.column(batch.schema.get_field_index(c)))
                    del mini
                seen += n
                step = min(size - done, max(1, batch.nbytes // 2))
                bar.update(step)
                done += step
            bar.update(size - done)
            out.starts[k + 1] = out.starts[k] + seen
    if out.starts[-1] == 0:
        raise DGLError(f"{what}: the table is empty ({', '.join(files)})")
    for c, parts in strings.items():
        out.id_strings[c] = np.concatenate(parts)
    return out
