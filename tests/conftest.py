import os
import tempfile

import pytest
from hypothesis import settings

# flopcast's disk cache (Beta quantile tables) lives in a folder of this test session, shared with the commands
# the tests run (they inherit the variable): the user's own cache is neither read nor filled by the tests.
os.environ.setdefault("FLOPCAST_CACHE_DIR", tempfile.mkdtemp(prefix="flopcast-test-cache-"))

import flopcast as fc  # noqa: E402

# In CI (``.ci/run`` sets CI=true) the property tests try the same examples every run, so that a red build can be
# reproduced and is never an accident of the draw; run locally, they explore new examples each time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def benchmark_model() -> fc.Model:
    """The benchmark model of the project's benchmarks (19 inputs, 15 uncertain, 8 derived quantities)."""
    from flopcast.catalog.benchmark import benchmark_model

    return benchmark_model()


@pytest.fixture
def product_model() -> fc.Model:
    """x * y / z of independent lognormals: lognormal with known parameters."""
    m = fc.Model("product")
    m.assume("x", fc.LogNormal(1.0, 0.5))
    m.assume("y", fc.LogNormal(-0.5, 0.3))
    m.assume("z", fc.LogNormal(0.2, 0.4))

    @m.derive
    def ratio(x, y, z):
        return x * y / z

    return m
