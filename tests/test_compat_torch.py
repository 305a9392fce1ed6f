"""The torch/numpy version checks in graphdl._compat_torch."""
import pytest
import torch

from graphdl import _compat_torch as compat


@pytest.mark.parametrize("text, expected", [
    ("2.2.1", (2, 2)), ("2.2.1+cu121", (2, 2)), ("2.13.0+cpu", (2, 13)), ("2.6.0a0+git1234", (2, 6)),
    ("1.26.4", (1, 26)), ("2.4.6", (2, 4)),
])
def test_parse_version(text, expected):
    assert compat.parse_version(text) == expected


def test_parse_version_rejects_garbage():
    with pytest.raises(ValueError, match="not a version"):
        compat.parse_version("nightly")


@pytest.mark.parametrize("torch_version, numpy_version", [
    ("2.2.1", "2.4.6"), ("2.2.0+cu121", "2.0.0"), ("2.1.2", "2.1.3"),
])
def test_old_torch_with_numpy2_is_named_in_one_line(torch_version, numpy_version):
    message = compat.numpy_mismatch(torch_version, numpy_version)
    assert message is not None and "\n" not in message
    assert torch_version in message and numpy_version in message
    assert 'pip install "numpy<2"' in message


@pytest.mark.parametrize("torch_version, numpy_version", [
    ("2.2.1", "1.26.4"), ("2.3.0", "2.0.1"), ("2.13.0+cpu", "2.4.6"), ("2.14.1", "1.26.0"),
    (None, "2.4.6"), ("2.2.1", None),
])
def test_agreeing_versions_pass(torch_version, numpy_version):
    assert compat.numpy_mismatch(torch_version, numpy_version) is None


def test_check_numpy_raises_import_error(monkeypatch):
    versions = {"torch": "2.2.1", "numpy": "2.1.0"}
    monkeypatch.setattr(compat, "_installed", versions.get)
    with pytest.raises(ImportError, match=r'pip install "numpy<2"'):
        compat.check_numpy()
    versions["numpy"] = "1.26.4"
    compat.check_numpy()


def test_running_torch_is_described():
    assert compat.TORCH_VERSION == compat.parse_version(torch.__version__)
    assert compat.HAS_CUSTOM_OP == hasattr(torch.library, "custom_op")
    if compat.TORCH_VERSION >= (2, 4):
        assert compat.HAS_CUSTOM_OP
    if compat.TORCH_VERSION >= compat.FULLGRAPH_COMPILE_MIN:
        assert compat.fullgraph_compile_supported()
    else:
        assert not compat.fullgraph_compile_supported()
        assert "needs torch >= %d.%d" % compat.FULLGRAPH_COMPILE_MIN in compat.FULLGRAPH_COMPILE_REASON
    assert compat.is_compiling() is False
