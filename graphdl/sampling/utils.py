"""Helpers shared by samplers: removing excluded edges from a sampled graph."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np
import torch

from ..base import EID
from ._utils import to_np

__all__ = ["EidExcluder"]


class EidExcluder:
    """Callable that removes from a sampled graph the edges whose original ids (``edata[EID]``)
    are in ``exclude_eids`` (a tensor, or ``{etype: tensor}``)."""

    def __init__(self, exclude_eids: Any) -> None:
        self._exclude = exclude_eids

    def __call__(self, frontier: Any) -> Any:
        if self._exclude is None:
            return frontier
        excl = self._exclude if isinstance(self._exclude, dict) else {frontier.canonical_etypes[0]: self._exclude}
        remove: Dict[Any, torch.Tensor] = {}
        for cet in frontier.canonical_etypes:
            ex = None
            for et, ids in excl.items():
                if frontier.to_canonical_etype(et) == cet:
                    ex = ids
            if ex is None or frontier.num_edges(cet) == 0:
                continue
            orig = to_np(frontier.edges[cet].data[EID].long())
            hit = np.nonzero(np.isin(orig, to_np(torch.as_tensor(ex).long())))[0]
            if hit.size:
                remove[cet] = torch.from_numpy(hit)
        if not remove:
            return frontier
        frontier = frontier.clone() if hasattr(frontier, "clone") else frontier
        for cet, ids in remove.items():
            frontier.remove_edges(ids.to(frontier.idtype), etype=cet)
        return frontier
