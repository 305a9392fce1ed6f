"""The conformance runner on a tiny fake suite: counts, reasons, time limits and the ratchet."""
import json
import pathlib
import subprocess
import sys
import textwrap

RUNNER = pathlib.Path(__file__).with_name("run_dgl_suite.py")


def _suite(tmp_path):
    py = tmp_path / "suite" / "tests" / "python"
    py.mkdir(parents=True)
    (py / "test_fake.py").write_text(textwrap.dedent("""
        import time
        import pytest
        import dgl

        def test_ok():
            assert dgl.graph(([0], [1])).num_edges() == 1

        def test_missing():
            dgl.no_such_thing

        @pytest.mark.skip(reason="GPU only")
        def test_skipped():
            pass

        def test_slow():
            time.sleep(30)
    """))
    (py / "test_broken.py").write_text("import dgl.no_such_module\n")
    return tmp_path / "suite"


def test_runner_counts_reasons_and_ratchet(tmp_path):
    suite = _suite(tmp_path)
    out_json = tmp_path / "r.json"
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps({"passed": {"python/test_fake.py": 2}}))
    proc = subprocess.run([sys.executable, str(RUNNER), "--suite", str(suite), "--test-timeout", "3",
                           "--json", str(out_json), "--baseline", str(baseline), "--check"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # 1 passed < baseline 2
    assert "REGRESSION python/test_fake.py" in proc.stderr
    results = {r["file"]: r for r in json.loads(out_json.read_text())["results"]}
    fake = results["python/test_fake.py"]
    assert (fake["passed"], fake["failed"], fake["skipped"]) == (1, 2, 1)
    reasons = {t["test"].split("::")[-1]: t["reason"] for t in fake["tests"]}
    assert "graphdl does not implement dgl.no_such_thing" in reasons["test_missing"]
    assert "limit" in reasons["test_slow"] and reasons["test_skipped"] == "GPU only"
    broken = results["python/test_broken.py"]
    assert broken["collection-error"] == 1 and broken["passed"] == 0
    assert "graphdl does not implement dgl.no_such_module" in broken["tests"][0]["reason"]
    assert "FAIL test_missing" in proc.stdout
