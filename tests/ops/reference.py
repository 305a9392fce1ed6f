"""Independent gather-then-scatter references for the sparse operators (used by the tests)."""
import torch


def pick(target, feat, src, dst):
    if target == "u":
        return feat[src]
    if target == "v":
        return feat[dst]
    return feat


def pad(a, b):
    while a.dim() < b.dim():
        a = a.unsqueeze(1)
    while b.dim() < a.dim():
        b = b.unsqueeze(1)
    return a, b


def message(op, x, xt, y, yt, src, dst):
    a = pick(xt, x, src, dst)
    if op == "copy":
        return a
    b = pick(yt, y, src, dst)
    a, b = pad(a, b)
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / b
    return (a * b).sum(-1, keepdim=True)


def reduce(msg, dst, num_dst, reducer):
    rows = []
    for v in range(num_dst):
        m = msg[dst == v]
        if m.shape[0] == 0:
            rows.append(torch.zeros(msg.shape[1:], dtype=msg.dtype))
        elif reducer == "sum":
            rows.append(m.sum(0))
        elif reducer == "mean":
            rows.append(m.mean(0))
        elif reducer == "max":
            rows.append(m.max(0).values)
        else:
            rows.append(m.min(0).values)
    if not rows:
        return torch.zeros((0,) + tuple(msg.shape[1:]), dtype=msg.dtype)
    return torch.stack(rows, 0)


def edges_of(g):
    src, dst = g.edges()
    return src.long(), dst.long()
