"""The package's import graph: no module-level cycle, and every deferred import says why.

Module-level imports are read from the source with :mod:`ast` (``if TYPE_CHECKING:`` blocks
excluded). An import inside a function of a ``graphdl`` module must carry a comment, on its
line or the line above, naming what it defers: the cycle it breaks or the heavy optional
package it keeps out of ``import graphdl``.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Dict, List, Set, Tuple

import graphdl

ROOT = Path(graphdl.__file__).parent


def _modules() -> Dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(module: str, is_pkg: bool, node: ast.ImportFrom | ast.Import) -> List[str]:
    """The graphdl modules an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "graphdl"]
    if node.level:
        base = module.split(".")
        if not is_pkg:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "graphdl":
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append(sub if sub in MODULES else target)
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_level_imports(tree: ast.Module):
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body])


def _packages_above(module: str) -> List[str]:
    """The subpackages of graphdl that importing ``module`` runs first (``graphdl.a.b.c``:
    ``graphdl.a`` and ``graphdl.a.b``); the root package is already loading for any import."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


def _graph() -> Dict[str, Set[str]]:
    """Module -> the graphdl modules its top-level imports load, including the ``__init__`` of
    each package above an imported module that the importer is not itself inside (importing
    ``graphdl.cli._command`` from ``graphdl.workflows`` runs ``graphdl/cli/__init__.py``)."""
    edges: Dict[str, Set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        is_pkg = path.name == "__init__.py"
        targets = {t for node in _top_level_imports(tree) for t in _resolve(name, is_pkg, node)}
        own = set(_packages_above(name)) | {name}
        targets |= {p for t in targets for p in _packages_above(t) if p in MODULES and p not in own}
        edges[name] = targets - {name}
    return edges


def _cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on: Set[str] = set()
    out: List[List[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_module_level_import_cycle():
    cycles = _cycles(_graph())
    assert cycles == [], "module-level import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def _deferred_imports() -> List[Tuple[str, int, str]]:
    """Imports of graphdl modules inside functions that have no comment saying why."""
    missing = []
    for name, path in MODULES.items():
        lines = path.read_text().splitlines()
        tree = ast.parse("\n".join(lines))
        top = {id(n) for n in _top_level_imports(tree)}
        typing_only = {id(s) for n in ast.walk(tree) if isinstance(n, ast.If) and _is_type_checking(n)
                       for s in ast.walk(n)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in top | typing_only:
                continue
            if not _resolve(name, path.name == "__init__.py", node):
                continue
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2] if node.lineno > 1 else ""
            if "#" not in here and not above.strip().startswith("#"):
                missing.append((name, node.lineno, here.strip()))
    return missing


def test_a_cycle_through_a_package_init_is_found():
    assert _packages_above("graphdl.cli._command") == ["graphdl.cli"]
    assert _packages_above("graphdl.base") == []
    # graphdl.cli (its __init__) -> graphdl.cli.train -> graphdl.workflows.cli -> graphdl.cli._command,
    # and importing graphdl.cli._command runs graphdl.cli first
    edges = {"graphdl.cli": {"graphdl.cli.train"}, "graphdl.cli.train": {"graphdl.workflows.cli"},
             "graphdl.workflows.cli": {"graphdl.cli._command", "graphdl.cli"}, "graphdl.cli._command": set()}
    assert _cycles(edges) == [["graphdl.cli", "graphdl.cli.train", "graphdl.workflows.cli"]]
    assert "graphdl.workflows" in _graph()["graphdl.cli"]  # graphdl.cli imports graphdl.workflows.cli


def test_every_deferred_import_says_why():
    missing = _deferred_imports()
    assert missing == [], "deferred imports without a comment:\n" + "\n".join(
        f"{m}:{line}: {code}" for m, line, code in missing)


def test_every_module_imports():
    for info in pkgutil.walk_packages(graphdl.__path__, "graphdl."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
