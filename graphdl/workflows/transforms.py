"""Feature transforms for graph construction, fitted once and replayed at inference.

Every transform turns one or more table columns into a float32 matrix with one row per table
row. ``fit`` learns its state from the construction data (bounds, categories, vocabulary);
``state`` returns that state as plain JSON so ``graphdl predict`` applies exactly the same
mapping to new rows; ``transform_from_state`` rebuilds it.

Names follow GraphStorm's gconstruct where it has one:

========================  =====================================================================
``none`` (no transform)   the column(s) as float32, as is
``max_min_norm``          :math:`(x - \\min) / (\\max - \\min)`, clipped to [0, 1];
                          ``max_bound`` / ``min_bound`` cap the fitted extremes
``standard``              GraphStorm's meaning: :math:`x / \\sum x` per column
``rank_gauss``            rank :math:`r \\in [0, n-1]`, :math:`u = 2r/(n-1) - 1` clipped to
                          :math:`\\pm(1-\\epsilon)`, output :math:`\\mathrm{erfinv}(u)`
``bucket_numerical``      one-hot (multi-hot with ``slide_window_size`` :math:`s`) over
                          ``bucket_cnt`` equal buckets of ``range`` [lo, hi]: value :math:`v`
                          covers every bucket meeting :math:`[v - s/2, v + s/2]`
``to_categorical``        one-hot over the fitted (or given ``mapping``) categories; with
                          ``separator`` a multi-hot over the split values; unseen -> zeros
``hash_text``             bag of lower-case word tokens hashed (CRC-32) into ``dim`` buckets,
                          each row L2-normalised
``tfidf``                 TF-IDF over the ``max_features`` most frequent tokens:
                          :math:`\\mathrm{tf} \\cdot (\\ln\\frac{1+n}{1+\\mathrm{df}} + 1)`,
                          each row L2-normalised
``timestamp``             seconds since the epoch scaled to [0, 1] over the fitted range,
                          plus sin/cos of hour of day and day of week (5 columns)
========================  =====================================================================

Missing values in numeric columns follow ``fill_na``: ``"error"`` (default, names the row),
``"zero"``, ``"mean"``, ``"median"`` or a number; text treats a missing value as empty and
categorical as no category.
"""
from __future__ import annotations

import math
import re
import zlib
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from ..base import DGLError

__all__ = ["FeatureTransform", "make_transform", "transform_from_state", "TRANSFORMS"]

_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: Any) -> List[str]:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    return _TOKEN.findall(str(text).lower())


class FeatureTransform:
    """Base class: ``fit`` on the construction columns, ``apply`` to any rows.

    Parameters
    ----------
    name : str
        The transform's name in the configuration.
    params : dict
        Its options from the configuration (``transform`` minus ``name``).
    fill_na : str or float
        The missing-value policy for numeric input.
    """

    numeric = True

    def __init__(self, name: str, params: Dict[str, Any], fill_na: Any = "error") -> None:
        self.name = name
        self.params = dict(params)
        self.fill_na = fill_na
        self.fitted: Dict[str, Any] = {}

    # -- missing values ------------------------------------------------------------------
    def _numeric(self, cols: Sequence[np.ndarray], where: Callable[[int], str]) -> np.ndarray:
        out = []
        for i, col in enumerate(cols):
            try:
                x = np.asarray(col, dtype=np.float64)
            except (TypeError, ValueError):
                bad = _first_non_numeric(col)
                raise DGLError(f"{where(bad)}: value {col[bad]!r} is not a number "
                               f"(transform {self.name!r})") from None
            nan = np.isnan(x)
            if nan.any():
                x = x.copy()
                x[nan] = self._fill_value(x, nan, i, where)
            out.append(x)
        if len(out) == 1:
            return out[0][:, None]  # a view: no copy of a long column
        return np.stack(out, axis=1) if out else np.zeros((0, 0))

    def _fill_value(self, x: np.ndarray, nan: np.ndarray, i: int, where: Callable[[int], str]) -> float:
        key = f"fill_{i}"
        if key in self.fitted:
            return float(self.fitted[key])
        policy = self.fill_na
        if policy == "error":
            raise DGLError(f"{where(int(np.flatnonzero(nan)[0]))}: missing value "
                           "(set \"fill_na\": zero|mean|median|<number> on the feature)")
        if policy == "zero":
            value = 0.0
        elif policy == "mean":
            value = float(np.mean(x[~nan])) if (~nan).any() else 0.0
        elif policy == "median":
            value = float(np.median(x[~nan])) if (~nan).any() else 0.0
        elif isinstance(policy, (int, float)):
            value = float(policy)
        else:
            raise DGLError(f"unknown fill_na policy {policy!r}; use error, zero, mean, median or a number")
        self.fitted[key] = value
        return value

    # -- interface -----------------------------------------------------------------------
    def fit(self, cols: Sequence[np.ndarray], where: Callable[[int], str]) -> None:
        """Learn the transform's state from the construction data."""

    def apply(self, cols: Sequence[np.ndarray], where: Callable[[int], str]) -> np.ndarray:
        """Transform rows into a float32 matrix."""
        return self._numeric(cols, where).astype(np.float32)

    def fit_apply(self, cols: Sequence[np.ndarray], where: Callable[[int], str]) -> np.ndarray:
        self.fit(cols, where)
        return self.apply(cols, where)

    def state(self) -> Dict[str, Any]:
        """JSON-serialisable state (name, options and what was fitted)."""
        return {"name": self.name, "params": self.params, "fill_na": self.fill_na, "fitted": self.fitted}


def _first_non_numeric(col: Sequence[Any]) -> int:
    for i, v in enumerate(col):
        try:
            float(v)
        except (TypeError, ValueError):
            return i
    return 0


class _MaxMin(FeatureTransform):
    def fit(self, cols, where):
        x = self._numeric(cols, where)
        lo = x.min(axis=0) if len(x) else np.zeros(x.shape[1])
        hi = x.max(axis=0) if len(x) else np.ones(x.shape[1])
        if "max_bound" in self.params:
            hi = np.minimum(hi, float(self.params["max_bound"]))
        if "min_bound" in self.params:
            lo = np.maximum(lo, float(self.params["min_bound"]))
        self.fitted.update(min=lo.tolist(), max=hi.tolist())

    def apply(self, cols, where):
        x = self._numeric(cols, where)
        lo, hi = np.array(self.fitted["min"]), np.array(self.fitted["max"])
        span = np.where(hi > lo, hi - lo, 1.0)
        return np.clip((x - lo) / span, 0.0, 1.0).astype(np.float32)


class _Standard(FeatureTransform):
    def fit(self, cols, where):
        self.fitted["sum"] = self._numeric(cols, where).sum(axis=0).tolist()

    def apply(self, cols, where):
        total = np.array(self.fitted["sum"])
        return (self._numeric(cols, where) / np.where(total != 0, total, 1.0)).astype(np.float32)


class _RankGauss(FeatureTransform):
    """Rank-Gauss; rows seen after fitting are ranked by interpolation in the fitted values."""

    def fit(self, cols, where):
        x = self._numeric(cols, where)
        self.fitted["sorted"] = [np.sort(x[:, j]).tolist() for j in range(x.shape[1])]

    def apply(self, cols, where):
        import torch  # erfinv

        x = self._numeric(cols, where)
        eps = float(self.params.get("epsilon", 1e-6))
        out = np.empty_like(x)
        for j in range(x.shape[1]):
            ref = np.asarray(self.fitted["sorted"][j])
            n = len(ref)
            if n < 2:
                out[:, j] = 0.0
                continue
            # rank of each value among the fitted values; ties take the first rank
            rank = np.interp(x[:, j], ref, np.arange(n), left=0, right=n - 1)
            first = np.searchsorted(ref, x[:, j], side="left")
            exact = (first < n) & (ref[np.minimum(first, n - 1)] == x[:, j])
            rank = np.where(exact, first, rank)
            u = np.clip(2.0 * rank / (n - 1) - 1.0, -1 + eps, 1 - eps)
            out[:, j] = torch.erfinv(torch.from_numpy(u)).numpy()
        return out.astype(np.float32)


class _Bucket(FeatureTransform):
    def fit(self, cols, where):
        if "bucket_cnt" not in self.params or "range" not in self.params:
            raise DGLError("bucket_numerical needs \"bucket_cnt\" and \"range\": [low, high]")

    def apply(self, cols, where):
        x = self._numeric(cols, where)
        if x.shape[1] != 1:
            raise DGLError("bucket_numerical takes one column")
        cnt = int(self.params["bucket_cnt"])
        lo, hi = (float(v) for v in self.params["range"])
        width = (hi - lo) / cnt
        half = float(self.params.get("slide_window_size", 0.0)) / 2
        first = np.clip(np.floor((x[:, 0] - half - lo) / width), 0, cnt - 1).astype(np.int64)
        last = np.clip(np.floor((x[:, 0] + half - lo) / width), 0, cnt - 1).astype(np.int64)
        out = np.zeros((len(x), cnt), dtype=np.float32)
        for k in range(cnt):
            out[(first <= k) & (k <= last), k] = 1.0
        return out


class _Categorical(FeatureTransform):
    numeric = False

    def _values(self, col) -> List[List[str]]:
        sep = self.params.get("separator")
        rows = []
        for v in col:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                rows.append([])
            elif sep:
                rows.append([p for p in str(v).split(sep) if p != ""])
            else:
                rows.append([str(v)])
        return rows

    def fit(self, cols, where):
        if len(cols) != 1:
            raise DGLError("to_categorical takes one column")
        if "mapping" in self.params:
            self.fitted["mapping"] = {str(k): int(v) for k, v in self.params["mapping"].items()}
            return
        seen = sorted({p for row in self._values(cols[0]) for p in row})
        self.fitted["mapping"] = {v: i for i, v in enumerate(seen)}

    def apply(self, cols, where):
        mapping = self.fitted["mapping"]
        dim = max(mapping.values()) + 1 if mapping else 0
        out = np.zeros((len(cols[0]), dim), dtype=np.float32)
        for i, row in enumerate(self._values(cols[0])):
            for p in row:
                k = mapping.get(p)
                if k is not None:
                    out[i, k] = 1.0
        return out


class _HashText(FeatureTransform):
    numeric = False

    def apply(self, cols, where):
        dim = int(self.params.get("dim", 64))
        out = np.zeros((len(cols[0]), dim), dtype=np.float32)
        for col in cols:
            for i, text in enumerate(col):
                for tok in _tokens(text):
                    out[i, zlib.crc32(tok.encode()) % dim] += 1.0
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norm > 0, norm, 1.0)


class _TfIdf(FeatureTransform):
    numeric = False

    def _docs(self, cols) -> List[List[str]]:
        return [sum((_tokens(col[i]) for col in cols), []) for i in range(len(cols[0]))]

    def fit(self, cols, where):
        docs = self._docs(cols)
        df: Dict[str, int] = {}
        for doc in docs:
            for tok in set(doc):
                df[tok] = df.get(tok, 0) + 1
        k = int(self.params.get("max_features", 256))
        vocab = sorted(df, key=lambda t: (-df[t], t))[:k]
        n = len(docs)
        self.fitted["vocab"] = vocab
        self.fitted["idf"] = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocab]

    def apply(self, cols, where):
        index = {t: i for i, t in enumerate(self.fitted["vocab"])}
        idf = np.asarray(self.fitted["idf"], dtype=np.float32)
        out = np.zeros((len(cols[0]), len(index)), dtype=np.float32)
        for i, doc in enumerate(self._docs(cols)):
            for tok in doc:
                j = index.get(tok)
                if j is not None:
                    out[i, j] += 1.0
        out *= idf
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norm > 0, norm, 1.0)


class _Timestamp(FeatureTransform):
    numeric = False

    def _seconds(self, col, where) -> np.ndarray:
        import pandas as pd  # date parsing

        col = np.asarray(col)
        if np.issubdtype(col.dtype, np.number):
            x = col.astype(np.float64)
        else:
            parsed = pd.to_datetime(pd.Series(col), errors="coerce", utc=True)
            bad = parsed.isna().to_numpy() & pd.Series(col).notna().to_numpy()
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DGLError(f"{where(i)}: {col[i]!r} is not a date or time")
            # seconds since the epoch, whatever resolution pandas stores
            x = ((parsed - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64).copy()
            x[parsed.isna().to_numpy()] = np.nan
        return self._numeric([x], where)[:, 0]

    def fit(self, cols, where):
        x = self._seconds(cols[0], where)
        self.fitted.update(min=float(x.min()) if len(x) else 0.0, max=float(x.max()) if len(x) else 1.0)

    def apply(self, cols, where):
        x = self._seconds(cols[0], where)
        lo, hi = self.fitted["min"], self.fitted["max"]
        scaled = (x - lo) / (hi - lo if hi > lo else 1.0)
        hour = (x % 86400) / 86400 * 2 * math.pi
        dow = ((x // 86400 + 3) % 7) / 7 * 2 * math.pi  # 1970-01-01 was a Thursday
        return np.stack([scaled, np.sin(hour), np.cos(hour), np.sin(dow), np.cos(dow)], 1).astype(np.float32)


TRANSFORMS: Dict[str, type] = {
    "none": FeatureTransform,
    "max_min_norm": _MaxMin,
    "standard": _Standard,
    "rank_gauss": _RankGauss,
    "bucket_numerical": _Bucket,
    "to_categorical": _Categorical,
    "hash_text": _HashText,
    "tfidf": _TfIdf,
    "timestamp": _Timestamp,
}


def make_transform(spec: Optional[Dict[str, Any]], fill_na: Any = "error") -> FeatureTransform:
    """Build an unfitted transform from a feature's ``transform`` entry (``None`` = as is).

    Examples
    --------
    >>> t = make_transform({"name": "max_min_norm"})
    >>> t.fit_apply([np.array([1.0, 3.0])], str).ravel().tolist()
    [0.0, 1.0]
    """
    spec = dict(spec or {"name": "none"})
    name = spec.pop("name", None)
    if name not in TRANSFORMS:
        raise DGLError(f"unknown transform {name!r}; supported: {', '.join(sorted(TRANSFORMS))}")
    return TRANSFORMS[name](name, spec, fill_na)


def transform_from_state(state: Dict[str, Any]) -> FeatureTransform:
    """Rebuild a fitted transform from :meth:`FeatureTransform.state`."""
    t = make_transform({"name": state["name"], **state.get("params", {})}, state.get("fill_na", "error"))
    t.fitted = dict(state.get("fitted", {}))
    return t
