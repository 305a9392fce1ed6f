import torch

import graphdl


def test_apply_each():
    h = {"a": torch.tensor([-1.0, 2.0]), "b": torch.tensor([3.0, -4.0])}
    out = graphdl.apply_each(h, torch.clamp, min=0)
    assert out.keys() == h.keys() and out["a"].tolist() == [0.0, 2.0] and out["b"].tolist() == [3.0, 0.0]
    assert graphdl.apply_each([1, 2], lambda x, k: x * k, 3) == [3, 6]
    assert graphdl.apply_each((1, 2), str) == ["1", "2"]
    t = torch.tensor([-1.0])
    assert graphdl.apply_each(t, torch.relu).tolist() == [0.0]  # a tensor is one element
    assert graphdl.apply_each("ab", str.upper) == "AB"  # a string is one element
