"""graphdl.random.choice: ranges, replacement, weights and reproducibility."""
import pytest
import torch

import graphdl
from graphdl import DGLError


def test_choice_population_and_replacement():
    graphdl.random.seed(1)
    x = graphdl.random.choice(100, 100, replace=False)
    assert sorted(x.tolist()) == list(range(100)) and x.dtype == torch.int64
    a = torch.arange(10, 20, dtype=torch.int32)
    y = graphdl.random.choice(a, 30, replace=True)
    assert y.dtype == torch.int32 and bool(((y >= 10) & (y < 20)).all())


def test_choice_weights_follow_prob():
    graphdl.random.seed(2)
    prob = torch.ones(100)
    prob[37:40] = 0
    x = graphdl.random.choice(100, 97, replace=False, prob=prob)
    assert sorted(x.tolist()) == [i for i in range(100) if not 37 <= i < 40]
    # with replacement the frequencies approach prob / prob.sum()
    p = torch.tensor([1.0, 3.0])
    draws = graphdl.random.choice(2, 20000, replace=True, prob=p)
    frac = (draws == 1).float().mean().item()
    assert abs(frac - 0.75) < 0.02  # ~6 standard deviations of a binomial(20000, 0.75) fraction


def test_choice_is_seeded():
    graphdl.random.seed(7)
    a = graphdl.random.choice(1000, 5)
    graphdl.random.seed(7)
    assert torch.equal(a, graphdl.random.choice(1000, 5))


def test_choice_bad_input():
    with pytest.raises(DGLError, match="without replacement"):
        graphdl.random.choice(3, 5, replace=False)
    with pytest.raises(DGLError, match="shape"):
        graphdl.random.choice(3, 2, prob=torch.ones(4))
    with pytest.raises(DGLError, match="non-zero probability"):
        graphdl.random.choice(3, 3, replace=False, prob=torch.tensor([1.0, 0.0, 1.0]))
