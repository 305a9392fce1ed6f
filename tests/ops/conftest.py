import pytest

from graphdl.ops import kernel_backend


@pytest.fixture(params=["numba", "torch"])
def backend(request):
    """Run the test once per kernel backend."""
    with kernel_backend(request.param):
        yield request.param
