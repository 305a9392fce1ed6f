import os

import pytest
import torch

os.environ.setdefault("MPLBACKEND", "Agg")
torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))

IDTYPES = [torch.int32, torch.int64]


@pytest.fixture(params=IDTYPES, ids=["int32", "int64"])
def idtype(request):
    return request.param
