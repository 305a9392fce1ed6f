"""Plain references for the graph transformer tests: attention written head by head in float64."""
from __future__ import annotations

from typing import Optional

import torch


def mha_reference(mha, x: torch.Tensor, bias: Optional[torch.Tensor] = None, mask: Optional[torch.Tensor] = None,
                  mul: bool = False) -> torch.Tensor:
    """BiasedMHA in evaluation mode, one graph and one head at a time, in float64."""
    h, d = mha.num_heads, mha.head_dim

    def lin(layer, t):
        out = t.double() @ layer.weight.double().T
        return out + layer.bias.double() if layer.bias is not None else out

    outs = []
    for b in range(x.shape[0]):
        q, k, v = lin(mha.q_proj, x[b]), lin(mha.k_proj, x[b]), lin(mha.v_proj, x[b])
        heads = []
        for j in range(h):
            sl = slice(j * d, (j + 1) * d)
            s = (q[:, sl] * d ** -0.5) @ k[:, sl].T
            if bias is not None:
                s = s * bias[b, :, :, j].double() if mul else s + bias[b, :, :, j].double()
            if mask is not None:
                s = s.masked_fill(mask[b], float("-inf"))
            heads.append(torch.softmax(s, dim=-1) @ v[:, sl])
        outs.append(lin(mha.out_proj, torch.cat(heads, dim=-1)))
    return torch.stack(outs)


def saved_bytes(fn) -> int:
    """Bytes of the distinct storages autograd keeps for the backward pass of ``fn()``."""
    seen = {}

    def pack(t: torch.Tensor):
        if t.layout == torch.strided:
            st = t.untyped_storage()
            seen[st.data_ptr()] = st.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return sum(seen.values()), out
