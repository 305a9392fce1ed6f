#!/usr/bin/env bash
# Version matrix: graphdl on the oldest supported torch (on the oldest supported Python) and on
# the newest installable torch, each in its own virtual environment, plus the development torch
# that runs the full suite. Each environment gets a smoke run:
#   import, `graphdl train --epochs 5`, tests/ops (every built-in kernel against the dense
#   reference, forward and backward) and the GraphConv/SAGEConv/GATConv tests (forward and
#   backward against dense references, and their torch.compile test where torch supports it).
# Results go to .ci/torch_matrix.tsv; scripts/torch_versions_table.py turns them into the README's
# supported-versions table, and --check fails when the README says something else than this run.
#
# The environments are cached under $GRAPHDL_CI_CACHE (default ~/.cache/graphdl-ci) and reused
# while they import torch; graphdl itself is reinstalled into them on every run.
# Usage: .ci/torch_matrix.sh [TORCH_VERSION...]   (default: the oldest and the newest below)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
export PIP_DISABLE_PIP_VERSION_CHECK=1 MPLBACKEND=Agg

OLDEST=2.2.1   # the oldest torch graphdl supports; its wheels need numpy < 2
NEWEST=2.14.1  # the newest torch pip installs on the CI machine (raise it when a newer one installs)
CACHE="${GRAPHDL_CI_CACHE:-$HOME/.cache/graphdl-ci}"
RESULTS="$REPO/.ci/torch_matrix.tsv"
VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=("$OLDEST" "$NEWEST")

# The oldest Python graphdl claims (requires-python) runs the oldest torch, where the machine has it.
oldest_python() {
    local p
    for p in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 "$(command -v python3.10 || true)"; do
        [ -x "$p" ] && { echo "$p"; return; }
    done
    command -v python
}

numpy_spec() {  # torch < 2.3 wheels were built against numpy 1.x
    python - "$1" <<'EOF'
import sys
major, minor = (int(p) for p in sys.argv[1].split(".")[:2])
print("numpy<2" if (major, minor) < (2, 3) else "numpy")
EOF
}

# venv_for VERSION PYTHON: a cached environment with torch==VERSION, graphdl and its test extras.
# (Called inside `if`, where bash ignores set -e: every step says `|| return 1` itself.)
venv_for() {
    local version=$1 py=$2 pyver env numpy
    pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || return 1
    env="$CACHE/torch-$version-py$pyver"
    numpy=$(numpy_spec "$version") || return 1
    if ! "$env/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$version')" 2>/dev/null; then
        echo "   new environment $env" >&2
        rm -rf "$env"
        # The PyPI wheel of torch 2.2 is a CUDA build: without its nvidia-* packages it does not
        # import even on CPU (measured), so it is installed whole.
        "$py" -m venv "$env" && "$env/bin/pip" install -q "torch==$version" "$numpy" >&2 || return 1
    fi
    "$env/bin/pip" install -q "torch==$version" "$numpy" "$REPO[test]" >&2 || return 1
    echo "$env"
}

# smoke ENV: run the checks in ENV from outside the source tree, so the installed graphdl is used.
smoke() {
    local env=$1 work rc=0
    work=$(mktemp -d)
    cd "$work" || return 1
    "$env/bin/python" -c "import graphdl, torch, numpy; print('graphdl from', graphdl.__file__, '| torch', torch.__version__, '| numpy', numpy.__version__)" \
        && "$env/bin/graphdl" train --epochs 5 --quiet --out "$work/run" \
        && "$env/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$REPO" -c "$REPO/pyproject.toml" \
            "$REPO/tests/ops" "$REPO/tests/nn/test_graphconv.py" "$REPO/tests/nn/test_sageconv.py" \
            "$REPO/tests/nn/test_gatconv.py" "$REPO/tests/nn/test_compile.py" \
        || rc=1
    cd "$REPO" && rm -rf "$work"
    return $rc
}

record() {  # record ENV_PYTHON CHECKS RESULT
    "$1" - "$2" "$3" >> "$RESULTS" <<'EOF'
import sys, platform, torch, numpy
print("\t".join([torch.__version__.split("+")[0], platform.python_version(), numpy.__version__, sys.argv[1], sys.argv[2]]))
EOF
}

mkdir -p "$CACHE"
printf 'torch\tpython\tnumpy\tchecks\tresult\n' > "$RESULTS"
start=$SECONDS
passed=0
failed=0

# The development torch: the full suite ran in the step before this one (.ci/run stops on a failure).
record python "full suite" pass

for version in "${VERSIONS[@]}"; do
    t0=$SECONDS
    if [ "$version" = "$OLDEST" ]; then py=$(oldest_python); else py=$(command -v python); fi
    echo "== torch $version ($("$py" -V))"
    env=""
    if env=$(venv_for "$version" "$py") && smoke "$env"; then
        record "$env/bin/python" smoke pass
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        if [ -n "$env" ]; then record "$env/bin/python" smoke FAIL
        else printf '%s\t%s\t-\tsmoke\tFAIL (install)\n' "$version" "$("$py" -V | cut -d' ' -f2)" >> "$RESULTS"; fi
    fi
    echo "== torch $version: $((SECONDS - t0)) s"
done
echo "== torch matrix: $((SECONDS - start)) s"
cat "$RESULTS"
if [ $failed -eq 0 ]; then python scripts/torch_versions_table.py --check || failed=$((failed + 1)); fi
echo "torch-matrix: $passed passed, $failed failed"  # environments (the plain closing line)
[ $failed -eq 0 ]
