"""Graph transforms: functions (:mod:`.functional`) and composable callable objects (:mod:`.module`)."""
from .functional import *  # noqa: F401,F403
from .functional import __all__ as _functional_all
from .module import *  # noqa: F401,F403
from .module import __all__ as _module_all
from .tag_sort import sort_csc_by_tag, sort_csr_by_tag

__all__ = list(_functional_all) + list(_module_all) + ["sort_csr_by_tag", "sort_csc_by_tag"]
