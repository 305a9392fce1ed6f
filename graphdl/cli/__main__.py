"""``python -m graphdl.cli`` runs the ``graphdl`` command."""
import sys

from . import main

sys.exit(main())
