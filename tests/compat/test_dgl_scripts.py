"""DGL scripts run under graphdl with only their import lines changed, giving DGL's results.

The expected results in ``expected/`` were recorded by running the very same scripts with DGL 2.1
(``python tests/compat/record_expected.py`` in the benchmark environment).
"""
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent
SCRIPTS = sorted(p.stem for p in (HERE / "scripts").glob("*.py"))


def port_imports(source: str) -> str:
    """The only edit a user makes: the import lines name graphdl instead of dgl."""
    source = re.sub(r"^import dgl\.function as fn$", "import graphdl.function as fn", source, flags=re.M)
    source = re.sub(r"^import dgl$", "import graphdl as dgl", source, flags=re.M)
    source = re.sub(r"^from dgl(\.| )", r"from graphdl\1", source, flags=re.M)
    source = re.sub(r"^import dgl\.(\S+) as (\w+)$", r"import graphdl.\1 as \2", source, flags=re.M)
    return source


def _close(a, b, path="") -> None:
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-4, abs=1e-5), path
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, dict) and isinstance(b, dict):
        assert sorted(a) == sorted(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_matches_dgl(name, tmp_path):
    expected_file = HERE / "expected" / f"{name}.json"
    if not expected_file.exists():
        pytest.fail(f"no recorded DGL results for {name}; run tests/compat/record_expected.py")
    ported = tmp_path / f"{name}.py"
    ported.write_text(port_imports((HERE / "scripts" / f"{name}.py").read_text()))
    assert "import dgl" not in ported.read_text().replace("import graphdl", "")
    root = str(HERE.parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, str(ported)], capture_output=True, text=True, timeout=600,
                         cwd=root, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    want = json.loads(expected_file.read_text())
    missing = sorted(set(want) - set(got))
    assert not missing, f"results missing: {missing}"
    for key in want:
        _close(got[key], want[key], key)
