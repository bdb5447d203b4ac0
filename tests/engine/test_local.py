"""The local engine, in this process and in a pool of worker processes, and any object that follows the protocol."""

import subprocess
import sys

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


def test_a_task_error_of_a_class_defined_anywhere_comes_back_with_the_workers_traceback():
    class LocalError(Exception):  # not importable by name: it travels by value
        pass

    def task(payload, start, stop):
        if start == 3:
            raise LocalError(f"range {start}-{stop}")
        return start

    with pytest.raises(LocalError, match="range 3-4") as caught:
        fc.LocalEngine(workers=2).map(task, None, [(i, i + 1) for i in range(6)], lambda *args: None)
    assert "in task" in str(caught.value.__cause__)  # the traceback printed in the worker


def test_a_script_without_the_main_guard_gets_an_error_that_says_so(tmp_path):
    script = tmp_path / "no_guard.py"
    script.write_text(
        "import flopcast as fc\n"
        "m = fc.Model('m')\n"
        "m.assume('a', fc.uniform(0, 1))\n"
        "m.simulate(100_000, seed=1, chunk_size=25_000, workers=2)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("concurrent.futures.process.BrokenProcessPool: a worker")
    assert 'the run must be under `if __name__ == "__main__":`' in proc.stderr


def test_closures_travel_to_worker_processes():
    scale = 3.0
    m = fc.Model("closure")
    m.assume("x", fc.uniform(0, 1))

    @m.derive
    def y(x):
        return scale * x

    res = m.simulate(50_000, seed=0, chunk_size=10_000, engine=fc.LocalEngine(workers=2))
    np.testing.assert_allclose(res["y"], 3 * res["x"])
