"""The README's supported-versions table is generated from the CI matrix's results."""
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("torch_versions_table", ROOT / "scripts" / "torch_versions_table.py")
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)

HEADER = "torch\tpython\tnumpy\tchecks\tresult\n"
recorded = pytest.mark.skipif(not table.RESULTS.exists(), reason="no .ci/torch_matrix.tsv yet: run .ci/torch_matrix.sh")


@recorded
def test_readme_matches_the_recorded_matrix():
    assert table.main(["--check"]) == 0, "run: python scripts/torch_versions_table.py"


@recorded
def test_recorded_matrix_covers_oldest_and_newest_torch():
    rows = table.read_rows()
    versions = [r["torch"] for r in rows]
    matrix = (ROOT / ".ci" / "torch_matrix.sh").read_text()
    for name in ("OLDEST", "NEWEST"):
        pinned = next(line.split("=")[1].split()[0] for line in matrix.splitlines() if line.startswith(name + "="))
        assert pinned in versions, f"{name}={pinned} is not in .ci/torch_matrix.tsv; rerun .ci/torch_matrix.sh"
    assert all(r["result"] == "pass" for r in rows)


def test_render_sorts_by_version_and_keeps_only_stable_facts(tmp_path):
    results = tmp_path / "m.tsv"
    results.write_text(HEADER + "2.14.1\t3.11.7\t2.4.6\tsmoke\tpass\n"
                       "2.2.1\t3.10.13\t1.26.4\tsmoke\tFAIL\n"
                       "2.13.0\t3.11.7\t2.4.6\tfull suite\tpass\n")
    text = table.render(table.read_rows(results))
    lines = text.splitlines()
    assert lines[0] == table.BEGIN and lines[-1] == table.END
    assert lines[3].startswith("| 2.2.1 | 3.10 | 1.x |") and lines[3].endswith("| FAIL |")
    assert lines[4].startswith("| 2.13.0 | 3.11 | 2.x | the full test suite |")
    assert lines[5].startswith("| 2.14.1 | 3.11 | 2.x |")


def test_check_fails_on_a_stale_readme_and_writing_fixes_it(tmp_path):
    results = tmp_path / "m.tsv"
    results.write_text(HEADER + "2.2.1\t3.10.13\t1.26.4\tsmoke\tpass\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n\n{table.BEGIN}\n| old | table |\n{table.END}\n\nmore\n")
    args = ["--results", str(results), "--readme", str(readme)]
    assert table.main(args + ["--check"]) == 1
    assert table.main(args) == 0
    assert table.main(args + ["--check"]) == 0
    text = readme.read_text()
    assert text.startswith("intro\n\n") and text.endswith("\n\nmore\n") and "| 2.2.1 | 3.10 | 1.x |" in text


def test_missing_markers_are_reported(tmp_path):
    with pytest.raises(SystemExit, match="no block"):
        table.replace_table("no markers here", "x")
