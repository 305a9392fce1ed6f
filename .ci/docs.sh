#!/usr/bin/env bash
# Build the documentation site; any Sphinx warning (a broken docstring, a missing page) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
pip install ".[docs]"
python -m sphinx -W --keep-going -q -b html docs docs/_build/html
