"""``python -m graphdl`` runs the ``graphdl`` command."""
import sys

from .cli import main

sys.exit(main())
