import pathlib
import sys

# the shared nn test helpers live one directory up
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
