"""The contract every engine passes: a subclass provides the ``engine`` fixture and inherits these tests.

The reference is the local engine in this process: every engine must give the same draws for the same seed,
whatever its chunk size or number of workers, run empty and one-draw runs, and raise the error of a failing task.
"""

import numpy as np
import pytest

import flopcast as fc
from flopcast.engine import chunk_bounds
from flopcast.engine.tasks import keep_task

KEEP = ["fleet", "breakeven_min"]


def failing_model() -> fc.Model:
    """A model whose derived function fails at run time (not at its point value): on draws of x above 0.999."""
    m = fc.Model("failing")
    m.assume("x", fc.uniform(0, 1))

    @m.derive
    def y(x):
        if np.size(x) > 100 and np.any(x > 0.999):  # past the build-time trials (a point, 64 draws)
            raise ZeroDivisionError("y: a draw of x above 0.999")
        return 2 * x

    return m


class EngineContract:
    """Inherit this in a ``Test...`` class and define an ``engine`` fixture."""

    @pytest.fixture
    def engine(self):
        raise NotImplementedError

    @pytest.mark.parametrize("design", ["random", "lhs", "sobol"])
    def test_same_draws_as_the_local_engine_for_the_same_seed(self, engine, benchmark_model, design):
        kwargs = {"n": 40_000, "seed": 11, "design": design, "keep": KEEP, "chunk_size": 7_000}
        local = benchmark_model.simulate(**kwargs)
        other = benchmark_model.simulate(**kwargs, engine=engine)
        assert other.engine == engine.name
        for name in KEEP:
            np.testing.assert_array_equal(other[name], local[name])

    def test_streamed_summaries_equal_the_local_engines(self, engine, benchmark_model):
        kwargs = {"n": 30_000, "seed": 2, "keep": KEEP, "chunk_size": 6_000, "stream": True}
        assert (
            benchmark_model.simulate(**kwargs, engine=engine)
            .summary(full=True)
            .equals(benchmark_model.simulate(**kwargs).summary(full=True))
        )

    def test_draws_do_not_depend_on_the_chunk_size(self, engine, benchmark_model):
        runs = [
            benchmark_model.simulate(25_000, seed=4, keep=KEEP, chunk_size=c, engine=engine) for c in (25_000, 4_096)
        ]
        for name in KEEP:
            np.testing.assert_array_equal(runs[0][name], runs[1][name])

    def test_one_draw_run(self, engine, benchmark_model):
        one = benchmark_model.simulate(1, seed=8, keep=KEEP, engine=engine)
        local = benchmark_model.simulate(1, seed=8, keep=KEEP)
        assert one.n == 1
        for name in KEEP:
            np.testing.assert_array_equal(one[name], local[name])

    def test_empty_run_calls_nothing(self, engine, benchmark_model):
        calls = []
        engine.map(keep_task, (benchmark_model, None, ()), [], lambda *args: calls.append(args))
        assert calls == []

    def test_every_range_is_consumed_once(self, engine, benchmark_model):
        from flopcast.design import make_plan

        plan = make_plan(benchmark_model, 10_000, 3, "random")
        bounds = chunk_bounds(10_000, 3_000)
        seen = []
        engine.map(keep_task, (benchmark_model, plan, ("fleet",)), bounds, lambda a, b, r: seen.append((a, b)))
        assert sorted(seen) == list(bounds)

    def test_a_failing_task_raises_its_error(self, engine):
        with pytest.raises(ZeroDivisionError, match="a draw of x above 0.999"):
            failing_model().simulate(20_000, seed=0, chunk_size=2_000, engine=engine)
