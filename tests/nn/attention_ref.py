"""Loop-based edge softmax used by the attention-layer tests."""
import torch


def softmax_by_dst(logits, dst, n_dst):
    out = torch.zeros_like(logits)
    for v in range(n_dst):
        m = dst == v
        if m.any():
            out[m] = torch.softmax(logits[m], dim=0)
    return out


def aggregate(alpha, msgs, dst, n_dst):
    """sum_e alpha_e * msg_e grouped by destination; alpha (E, H, 1), msgs (E, H, F)."""
    out = torch.zeros((n_dst,) + msgs.shape[1:])
    for e in range(dst.shape[0]):
        out[dst[e]] += alpha[e] * msgs[e]
    return out
