"""Sphinx configuration of graphdl's documentation (built by .ci/docs.sh)."""
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "graphdl"
author = "graphdl contributors"
release = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

# numpydoc-style docstrings (Parameters / Returns / Examples), read by napoleon
napoleon_google_docstring = False  # numpydoc only: a Google "Args:" section would render as plain text
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_custom_sections = ["Shapes"]  # the layers' input and output shapes, as a section of its own
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autosummary_generate = False
myst_heading_anchors = 3
# type aliases and third-party types in signatures are not cross-referenced
nitpicky = False
# the .md pages link to repository files outside docs/ (benchmarks/README.md, ...): right on
# GitHub, not pages of this site
suppress_warnings = ["myst.header", "myst.xref_missing"]

html_theme = "alabaster"
html_title = "graphdl"
