#!/usr/bin/env bash
# Prepare the environments the comparison benchmarks need.
#
#   * DGL 2.1.0 on torch 2.2.1 in its own virtual environment at
#     benchmarks/.venv-dgl (relative to the directory this script is run from,
#     normally the repository root). DGL's wheels are tied to one torch
#     version, so it cannot share the main environment's torch.
#   * PyTorch Geometric 2.8 (pure Python) in the current environment, beside
#     the torch that graphdl itself uses.
#
# Safe to run again: every step checks whether its result is already there.
# Environment overrides: PYTHON (interpreter for the venv and for PyG),
# GRAPHDL_DGL_VENV (venv location), SKIP_DGL=1, SKIP_PYG=1.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
VENV="${GRAPHDL_DGL_VENV:-benchmarks/.venv-dgl}"

DGL_PKGS=(
    "torch==2.2.1"
    "dgl==2.1.0"
    "torchdata==0.7.1"
    "numpy<2"
    packaging pydantic pyyaml psutil tqdm requests pandas scipy networkx
)

log() { printf '[setup_envs] %s\n' "$*"; }

dgl_ok() {
    [ -x "$VENV/bin/python" ] && DGLBACKEND=pytorch "$VENV/bin/python" - <<'PY' >/dev/null 2>&1
import dgl, torch
import dgl.nn.pytorch
assert dgl.__version__.startswith("2.1.0"), dgl.__version__
assert torch.__version__.startswith("2.2.1"), torch.__version__
PY
}

setup_dgl() {
    if dgl_ok; then
        log "DGL venv at $VENV already works"
    else
        if [ ! -x "$VENV/bin/python" ]; then
            log "creating virtual environment $VENV"
            mkdir -p "$(dirname "$VENV")"
            "$PYTHON" -m venv "$VENV"
        fi
        log "installing ${DGL_PKGS[*]} into $VENV (torch 2.2.1 is a ~5 GB CUDA build; this takes minutes)"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${DGL_PKGS[@]}"
        if ! dgl_ok; then
            log "ERROR: 'import dgl' still fails in $VENV:"
            DGLBACKEND=pytorch "$VENV/bin/python" -c "import dgl, dgl.nn.pytorch" || true
            return 1
        fi
    fi
    DGLBACKEND=pytorch "$VENV/bin/python" -c \
        "import dgl, torch; print('[setup_envs] DGL', dgl.__version__, 'torch', torch.__version__)"
    # Marker for other tools: the venv is complete and importable.
    printf '%s\n' "$(cd "$VENV" && pwd)/bin/python" > "$VENV/READY"
}

pyg_ok() {
    "$PYTHON" -c "import torch_geometric, torch_geometric.nn; assert torch_geometric.__version__.startswith('2.8')" \
        >/dev/null 2>&1
}

setup_pyg() {
    if pyg_ok; then
        log "torch_geometric 2.8 already importable with $PYTHON"
    else
        log "installing torch_geometric==2.8.* into the current environment"
        "$PYTHON" -m pip install --quiet --disable-pip-version-check "torch_geometric==2.8.*"
        pyg_ok || { log "ERROR: torch_geometric does not import"; "$PYTHON" -c "import torch_geometric.nn"; return 1; }
    fi
    "$PYTHON" -c "import torch, torch_geometric; print('[setup_envs] PyG', torch_geometric.__version__, 'torch', torch.__version__)"
}

[ "${SKIP_PYG:-0}" = 1 ] || setup_pyg
[ "${SKIP_DGL:-0}" = 1 ] || setup_dgl
log "done"
