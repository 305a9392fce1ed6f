"""The Examples sections of the documented modules run and print what they show."""
import doctest
import importlib
import sys

import pytest

MODULES = ["graphdl.heterograph", "graphdl.models", "graphdl.testing.graphs", "graphdl.training"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    importlib.import_module(name)
    module = sys.modules[name]  # graphdl.heterograph the attribute is the function of that name
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
