"""Every module loads DGL 2.1's state_dict with strict=True and reproduces DGL's output.

The fixture ``fixtures/dgl_modules.pt`` is made by ``fixtures/make_dgl_fixtures.py`` with DGL 2.1.
"""
import pathlib
import sys
import warnings

import pytest
import torch

import graphdl
import graphdl.nn as gnn

HERE = pathlib.Path(__file__).parent / "fixtures"
sys.path.insert(0, str(HERE))
from dgl_cases import cases  # noqa: E402

RECORD = torch.load(HERE / "dgl_modules.pt", weights_only=True)


def _flat(value):
    if isinstance(value, tuple):
        value = value[0]
    if isinstance(value, dict):
        return {k: v.detach() for k, v in value.items()}
    return value.detach()


@pytest.mark.parametrize("name", sorted(RECORD))
def test_module_matches_dgl(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module, call = cases(graphdl, gnn)[name]
        want = RECORD[name]
        module.load_state_dict(want["state_dict"], strict=True)
        module.eval()
        with torch.no_grad():
            got = _flat(call(module))
    if isinstance(want["output"], dict):
        assert sorted(got) == sorted(want["output"])
        for key in got:
            torch.testing.assert_close(got[key], want["output"][key], rtol=1e-4, atol=1e-5)
    else:
        torch.testing.assert_close(got, want["output"], rtol=1e-4, atol=1e-5)


def test_every_case_recorded():
    assert sorted(cases(graphdl, gnn)) == sorted(RECORD)
