"""The one place that knows which torch (and which numpy beside it) graphdl runs on.

graphdl supports every torch from 2.2 on. Three things differ across that range, and every
version check in the package is one of the names below:

* ``torch.library.custom_op`` with ``register_fake`` and ``register_autograd`` exists from
  torch 2.4 (:data:`HAS_CUSTOM_OP`). There the kernels are registered as custom operators,
  which ``torch.compile`` traces without a graph break; on 2.2 and 2.3 the same kernels and
  backward functions run inside ``torch.autograd.Function`` wrappers (see
  :mod:`graphdl.ops._register`).
* ``torch.compile(fullgraph=True)`` over graphdl's layers works from
  :data:`FULLGRAPH_COMPILE_MIN`. Measured: on 2.2/2.3 the kernels are opaque to dynamo; on
  2.4.1 dynamo cannot trace the cached graph formats (``list.extend`` of a getattr); on 2.6.0
  the operators compile but the layers do not (dynamo cannot inline ``local_scope``, a
  ``contextlib`` context manager); 2.13.0 and 2.14.1 pass. Versions between were not measured,
  so the bound is the lowest one that passed.
* torch wheels before 2.3 were compiled against numpy 1.x and cannot load numpy 2: torch
  prints a page of warnings at import and every tensor/array conversion fails later.
  :func:`check_numpy` turns that into one line that names the fix. It reads both versions
  from the installed packages' metadata, so it runs before torch is imported.
"""
from __future__ import annotations

import re
import sys
from importlib import metadata
from typing import Optional, Tuple

__all__ = [
    "TORCH_VERSION",
    "HAS_CUSTOM_OP",
    "FULLGRAPH_COMPILE_MIN",
    "FULLGRAPH_COMPILE_REASON",
    "NUMPY2_TORCH_MIN",
    "parse_version",
    "numpy_mismatch",
    "check_numpy",
    "fullgraph_compile_supported",
    "is_compiling",
]

#: The first torch release whose wheels load numpy 2.
NUMPY2_TORCH_MIN = (2, 3)
#: The first torch release on which ``torch.compile(fullgraph=True)`` traces graphdl's kernels.
FULLGRAPH_COMPILE_MIN = (2, 13)


def parse_version(text: str) -> Tuple[int, int]:
    """``(major, minor)`` of a version string such as ``"2.2.1+cu121"`` or ``"2.6.0a0"``."""
    match = re.match(r"\s*(\d+)\.(\d+)", text)
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    return int(match.group(1)), int(match.group(2))


def _installed(name: str) -> Optional[str]:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # e.g. a source build without package metadata
        return None


def numpy_mismatch(torch_version: Optional[str], numpy_version: Optional[str]) -> Optional[str]:
    """The one-line complaint when this torch cannot load this numpy, else ``None``."""
    if torch_version is None or numpy_version is None:
        return None
    if parse_version(torch_version) < NUMPY2_TORCH_MIN and parse_version(numpy_version)[0] >= 2:
        return (
            f"graphdl: torch {torch_version} was built for numpy 1.x and cannot load the installed "
            f'numpy {numpy_version}; run: pip install "numpy<2"'
        )
    return None


def check_numpy() -> None:
    """Raise ``ImportError`` with one line naming the fix when numpy and torch disagree."""
    problem = numpy_mismatch(_installed("torch"), _installed("numpy"))
    if problem is not None:
        raise ImportError(problem)


check_numpy()  # before torch is imported, so the user sees this line instead of torch's warnings

import torch  # noqa: E402

#: ``(major, minor)`` of the running torch.
TORCH_VERSION = parse_version(torch.__version__)
#: True where ``torch.library.custom_op`` and its ``register_fake``/``register_autograd`` exist.
HAS_CUSTOM_OP = all(hasattr(torch.library, name) for name in ("custom_op", "register_fake", "register_autograd"))


def fullgraph_compile_supported() -> bool:
    """True where ``torch.compile(fullgraph=True)`` can trace graphdl's kernels."""
    return TORCH_VERSION >= FULLGRAPH_COMPILE_MIN and HAS_CUSTOM_OP


#: Why ``torch.compile(fullgraph=True)`` is unavailable here (for skipped tests and errors).
FULLGRAPH_COMPILE_REASON = (
    "torch.compile(fullgraph=True) over graphdl's kernels needs torch >= "
    f"{FULLGRAPH_COMPILE_MIN[0]}.{FULLGRAPH_COMPILE_MIN[1]}; this is torch {torch.__version__}"
)


def is_compiling() -> bool:
    """True while ``torch.compile`` traces (``torch.compiler.is_compiling`` from torch 2.3)."""
    compiler = getattr(torch, "compiler", None)
    if compiler is not None and hasattr(compiler, "is_compiling"):
        return compiler.is_compiling()
    if "torch._dynamo" not in sys.modules:  # nothing can be tracing; importing dynamo costs seconds
        return False
    return torch._dynamo.is_compiling()
