"""Record DGL's results for the compatibility scripts (run with the DGL 2.1 environment's python).

    benchmarks/.venv-dgl/bin/python tests/compat/record_expected.py
"""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
env = dict(os.environ, DGLBACKEND="pytorch")
for script in sorted((HERE / "scripts").glob("*.py")):
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(f"{script.name}: failed\n{out.stderr[-2000:]}")
        continue
    (HERE / "expected" / f"{script.stem}.json").write_text(out.stdout.strip().splitlines()[-1] + "\n")
    print(f"{script.name}: recorded")
