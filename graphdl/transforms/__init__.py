"""Graph transforms: functions (:mod:`.functional`) and composable callable objects (:mod:`.module`)."""
from .functional import *  # noqa: F401,F403
from .functional import __all__ as _functional_all
from .module import *  # noqa: F401,F403
from .module import __all__ as _module_all

__all__ = list(_functional_all) + list(_module_all)
