"""Run DGL code unedited on graphdl: an import alias from ``dgl`` to ``graphdl``.

After :func:`install`, ``import dgl`` and every ``import dgl.X`` in this process resolve to
graphdl: ``dgl`` is a thin module that forwards each attribute to :mod:`graphdl`, and
``dgl.X.Y`` forwards to ``graphdl.X.Y`` (with a few renames, see :data:`MODULE_MAP`).
No package called ``dgl`` is installed and nothing changes for other processes.

A name graphdl lacks raises an error that says so (``graphdl does not implement dgl.X``)
at the point of use, instead of an ``AttributeError`` deep inside.

From the command line, ``python -m graphdl.compat script.py args...`` runs a DGL script with
the alias in place.

Examples
--------
>>> import graphdl.compat
>>> graphdl.compat.install()
>>> import dgl
>>> g = dgl.graph(([0, 1], [1, 2]))
>>> g.num_edges()
2
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any, Optional, Sequence

__all__ = ["install", "uninstall", "is_installed", "MODULE_MAP", "NotImplementedInGraphdl",
           "ModuleNotInGraphdl"]

#: ``dgl`` module names whose graphdl counterpart has a different path. Any other
#: ``dgl.A.B`` maps to ``graphdl.A.B``.
MODULE_MAP: dict[str, str] = {
    "dgl": "graphdl",
    "dgl.backend": "graphdl.compat.backend",
    "dgl.backend.pytorch": "graphdl.compat.backend",
    "dgl.backend.pytorch.tensor": "graphdl.compat.backend",
    "dgl.nn.pytorch": "graphdl.nn",
    "dgl.nn.functional": "graphdl.nn.functional",
    "dgl.ndarray": "graphdl.compat.ndarray",
    "dgl.frame": "graphdl._graph.frame",
    "dgl.view": "graphdl._graph.views",
}

_ALIAS = "dgl"


class NotImplementedInGraphdl(AttributeError):
    """``dgl.X`` for a name graphdl does not provide.

    An :class:`AttributeError`, so that ``hasattr`` and feature probes keep working; the
    matching error for ``import dgl.X`` is :class:`ModuleNotInGraphdl`.
    """


class ModuleNotInGraphdl(ModuleNotFoundError):
    """``import dgl.X`` for a module graphdl does not provide."""


def _target_name(alias_name: str) -> str:
    """The graphdl module name that ``alias_name`` (``dgl`` or ``dgl.X...``) stands for."""
    parts = alias_name.split(".")
    # Longest mapped prefix wins: ``dgl.nn.pytorch.conv`` -> ``graphdl.nn`` + ``.conv``.
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in MODULE_MAP:
            return ".".join([MODULE_MAP[prefix]] + parts[i:])
    return "graphdl." + ".".join(parts[1:])


class _AliasModule(types.ModuleType):
    """``dgl.X``: forwards attribute reads to the graphdl module it stands for."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name, getattr(target, "__doc__", None))
        object.__setattr__(self, "_graphdl_target", target)
        # A package, so that ``import dgl.X.Y`` asks the finder for the child.
        self.__path__ = []  # type: ignore[attr-defined]
        if hasattr(target, "__all__"):
            self.__all__ = list(target.__all__)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_graphdl_target")
        child = f"{self.__name__}.{name}"
        try:
            value = getattr(target, name)
        except AttributeError:
            pass
        else:
            if isinstance(value, types.ModuleType) and value.__name__ == _target_name(child):
                # ``dgl.nn`` is the alias of ``graphdl.nn``, not graphdl.nn itself, so
                # that its missing names are reported the same way.
                return importlib.import_module(child)
            return value
        if name.startswith("__"):
            raise AttributeError(name)
        # A submodule not yet imported (``dgl.sampling`` after a bare ``import dgl``).
        try:
            return importlib.import_module(child)
        except ModuleNotInGraphdl:
            pass
        raise NotImplementedInGraphdl(f"graphdl does not implement {child}")

    def __dir__(self) -> list[str]:
        target = object.__getattribute__(self, "_graphdl_target")
        return sorted(set(dir(target)) | set(self.__dict__))

    def __repr__(self) -> str:
        target = object.__getattribute__(self, "_graphdl_target")
        return f"<module {self.__name__!r} (graphdl alias of {target.__name__!r})>"


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: types.ModuleType) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _AliasModule(spec.name, self._target)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Meta-path finder for ``dgl`` and ``dgl.*``."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]] = None,
                  target: Optional[types.ModuleType] = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        real = _target_name(fullname)
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as err:
            # Only a missing graphdl module is "not implemented"; a missing third-party
            # dependency inside an existing graphdl module is reported as it is.
            if err.name and (real == err.name or real.startswith(err.name + ".")):
                raise ModuleNotInGraphdl(f"graphdl does not implement {fullname}",
                                         name=fullname) from None
            raise
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module), is_package=True)


_FINDER = _AliasFinder()

#: Key of the marker added to ``multiprocessing``'s preparation data (see :func:`_mark_children`).
_CHILD_MARKER = "graphdl_compat_alias"


class _InstallInChild:
    """Unpickled in a spawned child process, installs the alias there (see :func:`_mark_children`)."""

    def __reduce__(self) -> tuple:
        return (_install_in_child, ())


def _install_in_child() -> "_InstallInChild":
    install()
    return _InstallInChild()


def _preparation_data_with_alias(name: str) -> dict:
    data = _ORIGINAL_PREPARATION_DATA(name)
    data[_CHILD_MARKER] = _InstallInChild()
    return data


_ORIGINAL_PREPARATION_DATA: Any = None


def _mark_children(on: bool) -> None:
    """Carry the alias into child processes started with ``spawn`` or ``forkserver``.

    Such a child imports the parent's modules afresh: it re-runs the main script (``import
    dgl`` at its top) and imports the module of the process's target, both of which fail
    unless the alias is in place first. The first thing the child unpickles is the dict of
    :func:`multiprocessing.spawn.get_preparation_data`, before it runs any of that, so an
    extra entry there whose unpickling calls :func:`install` puts the alias in place in time
    (the child ignores keys it does not know). ``fork`` children inherit the parent's
    ``sys.meta_path`` and need nothing.
    """
    global _ORIGINAL_PREPARATION_DATA
    import multiprocessing.spawn as spawn

    if on and _ORIGINAL_PREPARATION_DATA is None:
        _ORIGINAL_PREPARATION_DATA = spawn.get_preparation_data
        spawn.get_preparation_data = _preparation_data_with_alias
    elif not on and _ORIGINAL_PREPARATION_DATA is not None:
        spawn.get_preparation_data = _ORIGINAL_PREPARATION_DATA
        _ORIGINAL_PREPARATION_DATA = None


def install() -> None:
    """Make ``import dgl`` (and ``dgl.X``) resolve to graphdl in this process.

    Calling it twice is harmless. Modules named ``dgl`` already imported (for example a real
    DGL) are left in :data:`sys.modules`; call this before the first ``import dgl``. Child
    processes started from here by :mod:`multiprocessing` (any start method) get the alias too.
    """
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    _mark_children(True)


def uninstall() -> None:
    """Remove the alias and every ``dgl`` module it created."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    _mark_children(False)
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        if isinstance(sys.modules[name], _AliasModule):
            del sys.modules[name]


def is_installed() -> bool:
    """Whether :func:`install` is in effect."""
    return _FINDER in sys.meta_path
