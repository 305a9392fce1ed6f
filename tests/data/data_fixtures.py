"""Shared helpers of the loader tests: no network, and archives written in the published layout."""
import zipfile

import graphdl.data.utils as data_utils


def no_network(monkeypatch):
    """Make every download fail as an unreachable host does."""

    def refuse(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data_utils.urllib.request, "urlopen", refuse)


def write_zip(path, files):
    """A zip archive of ``{member name: bytes or str}``."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
