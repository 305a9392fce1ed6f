"""Docstrings use one style, numpydoc: the docs site reads only that style (``docs/conf.py``
sets ``napoleon_google_docstring = False``), so a Google-style ``Args:`` section would render
as plain text instead of a parameter list."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import graphdl

ROOT = Path(graphdl.__file__).parent
GOOGLE_SECTION = re.compile(r"^\s*(Args|Arguments|Returns|Raises|Yields|Attributes|Shapes):\s*$", re.M)


def _docstrings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield getattr(node, "name", "<module>"), doc


def test_no_google_style_sections():
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        for name, doc in _docstrings(path):
            for m in GOOGLE_SECTION.finditer(doc):
                bad.append(f"{path.relative_to(ROOT.parent)}: {name}: {m.group(1)}:")
    assert not bad, "Google-style docstring sections (use numpydoc headers with dashes):\n" + "\n".join(bad)


def test_the_check_finds_a_google_section():
    doc = "Do it.\n\n    Args:\n        x: the input.\n"
    assert GOOGLE_SECTION.search(doc)
    assert not GOOGLE_SECTION.search("Do it.\n\n    Parameters\n    ----------\n    x\n        the input.\n")
