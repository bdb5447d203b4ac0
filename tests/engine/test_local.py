"""The local engine, in this process and in a pool of worker processes, and any object that follows the protocol."""

import numpy as np
import pytest

import flopcast as fc
from flopcast.engine import Engine, resolve_engine
from tests.engine.contract import EngineContract


class TestLocalEngine(EngineContract):
    @pytest.fixture
    def engine(self):
        return fc.LocalEngine()


class TestProcessPool(EngineContract):
    @pytest.fixture
    def engine(self):
        return fc.LocalEngine(workers=2)  # the reference runs in one process: draws independent of worker count


class ReversedEngine:
    """A user's engine: runs the ranges in this process, last first (results arrive out of order)."""

    name = "reversed"

    def map(self, task, payload, bounds, consume):
        for start, stop in reversed(list(bounds)):
            consume(start, stop, task(payload, start, stop))


class TestAnyObjectWithNameAndMap(EngineContract):
    @pytest.fixture
    def engine(self):
        return ReversedEngine()

    def test_is_an_engine(self, engine):
        assert isinstance(engine, Engine)
        assert resolve_engine(engine) is engine


def test_objects_without_map_are_refused():
    class NoMap:
        name = "nomap"

    with pytest.raises(TypeError, match=r"engine must be .*a name and a map\(\) method.*got NoMap"):
        resolve_engine(NoMap())
    with pytest.raises(TypeError, match="got the class LocalEngine; write LocalEngine()"):
        resolve_engine(fc.LocalEngine)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="workers= applies to the local engine"):
        resolve_engine(ReversedEngine(), workers=2)
    with pytest.raises(ValueError, match="workers must be"):
        fc.LocalEngine(workers=0)


def test_closures_travel_to_worker_processes():
    scale = 3.0
    m = fc.Model("closure")
    m.assume("x", fc.uniform(0, 1))

    @m.derive
    def y(x):
        return scale * x

    res = m.simulate(50_000, seed=0, chunk_size=10_000, engine=fc.LocalEngine(workers=2))
    np.testing.assert_allclose(res["y"], 3 * res["x"])
