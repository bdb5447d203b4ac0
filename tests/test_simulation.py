"""Simulating a model: analytic references, seeding, chunking, what to keep, typed results, bad arguments."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import flopcast as fc
from flopcast.stats import quantile_mcse

DESIGNS = ["random", "lhs", "sobol"]


@pytest.mark.parametrize("design", DESIGNS)
def test_product_and_quotient_of_lognormals_is_lognormal(product_model, design):
    # x * y / z with log-parameters (1, .5), (-.5, .3), (.2, .4) is lognormal(0.3, sqrt(.25 + .09 + .16)).
    exact = stats.lognorm(s=np.sqrt(0.5), scale=np.exp(0.3))
    res = product_model.simulate(200_000, seed=11, design=design)
    levels = [0.05, 0.5, 0.95]
    simulated = res.quantile("ratio", levels)
    mcse = quantile_mcse(res["ratio"], levels)
    # 4 Monte Carlo standard errors: a false alarm has probability ~6e-5 per quantile.
    np.testing.assert_array_less(np.abs(simulated - exact.ppf(levels)), 4 * mcse)


@pytest.mark.parametrize("design", DESIGNS)
def test_sum_of_normals(design):
    m = fc.Model("sum")
    m.assume("a", fc.normal(mean=1.0, sd=2.0))
    m.assume("b", fc.normal(mean=-3.0, sd=1.5))

    @m.derive
    def total(a, b):
        return a + b

    exact = stats.norm(-2.0, 2.5)
    res = m.simulate(200_000, seed=5, design=design)
    levels = [0.05, 0.5, 0.95]
    err = np.abs(res.quantile("total", levels) - exact.ppf(levels))
    np.testing.assert_array_less(err, 4 * quantile_mcse(res["total"], levels))


def test_same_seed_same_draws_and_seed_zero_is_a_seed(benchmark_model):
    a = benchmark_model.simulate(5000, seed=0, keep="fleet")["fleet"]
    b = benchmark_model.simulate(5000, seed=0, keep="fleet")["fleet"]
    c = benchmark_model.simulate(5000, seed=1, keep="fleet")["fleet"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_no_global_rng_state_used(benchmark_model):
    np.random.seed(123)  # noqa: NPY002 - proves the global state is not used
    a = benchmark_model.simulate(1000, seed=3, keep="fleet")["fleet"]
    np.random.seed(999)  # noqa: NPY002
    b = benchmark_model.simulate(1000, seed=3, keep="fleet")["fleet"]
    np.testing.assert_array_equal(a, b)


def test_seed_none_is_recorded_and_repeatable(benchmark_model):
    res = benchmark_model.simulate(1000, keep="fleet")
    again = benchmark_model.simulate(1000, seed=np.random.SeedSequence(res.seed), keep="fleet")
    np.testing.assert_array_equal(res["fleet"], again["fleet"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(1, 150_000),
    chunk=st.integers(1, 200_000),
    design=st.sampled_from(DESIGNS),
    seed=st.integers(0, 2**32),
)
def test_chunk_size_does_not_change_draws(benchmark_model, n, chunk, design, seed):
    chunk = max(chunk, n // 40)  # keep the number of chunks small enough to be quick
    ref = benchmark_model.simulate(n, seed=seed, design=design, keep=["fleet", "mfu"], chunk_size=n)
    other = benchmark_model.simulate(n, seed=seed, design=design, keep=["fleet", "mfu"], chunk_size=chunk)
    np.testing.assert_array_equal(ref["fleet"], other["fleet"])
    np.testing.assert_array_equal(ref["mfu"], other["mfu"])


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(0.1, 10), design=st.sampled_from(DESIGNS), seed=st.integers(0, 1000))
def test_monotone_model_has_monotone_quantiles(scale, design, seed):
    m = fc.Model("mono")
    m.assume("x", fc.lognormal(1, 10))
    m.assume("y", fc.uniform(0, 1))

    @m.derive
    def f(x, y):
        return scale * x**2 + y

    res = m.simulate(5000, seed=seed, design=design)
    q = res.quantile("f", np.linspace(0.01, 0.99, 25))
    assert np.all(np.diff(q) >= 0)
    # Raising x raises every quantile of f (same seed: common random numbers).
    res2 = m.replace(x=fc.lognormal(2, 20)).simulate(5000, seed=seed, design=design)
    assert np.all(res2.quantile("f", np.linspace(0.01, 0.99, 25)) >= q)


def test_what_if_keeps_other_draws_common(benchmark_model):
    base = benchmark_model.simulate(3000, seed=4)
    what_if = benchmark_model.replace(steps=fc.lognormal(20, 60)).simulate(3000, seed=4)
    np.testing.assert_array_equal(base["param_scale"], what_if["param_scale"])
    assert not np.array_equal(base["steps"], what_if["steps"])


def test_keep_selects_quantities_and_point_values_broadcast(benchmark_model):
    res = benchmark_model.simulate(100, seed=0, keep=["fleet", "peak_flops"])
    assert res.names == ("fleet", "peak_flops")
    assert np.all(res["peak_flops"] == 989e12) and res["peak_flops"].shape == (100,)
    with pytest.raises(KeyError, match="not kept"):
        res["mfu"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, ValueError, "n must be"),
        ({"n": 2.5}, ValueError, "n must be"),
        ({"n": "10"}, TypeError, "n must be"),
        ({"n": 10, "chunk_size": 0}, ValueError, "chunk_size must be"),
        ({"n": 10, "design": "grid"}, ValueError, "design must be one of"),
        ({"n": 10, "keep": ["flete"]}, ValueError, "'flete'.*did you mean 'fleet'"),
        ({"n": 10, "seed": -1}, ValueError, "seed must be a non-negative integer"),
        ({"n": 10, "seed": "abc"}, TypeError, "seed must be"),
        ({"n": 10, "engine": "spark"}, ValueError, "engine must be"),
        ({"n": 10, "engine": fc.LocalEngine}, TypeError, "engine must be"),
        ({"n": 10, "stream": True, "prob": 1.5}, ValueError, "prob"),
        ({"n": 10, "keep": False}, TypeError, "keep must be None or quantity names, got False.*stream=True"),
        ({"n": 10, "keep": []}, ValueError, "keep is empty.*stream=True"),
    ],
)
def test_bad_simulate_arguments(benchmark_model, kwargs, error, match):
    with pytest.raises(error, match=match):
        benchmark_model.simulate(**kwargs)


def test_elementwise_violation_is_named():
    m = fc.Model("m")
    m.assume("x", fc.uniform(0, 1))

    with pytest.raises(ValueError, match=r"derived 'total'.*shape"):  # refused when added (build-time trial)

        @m.derive
        def total(x):
            return np.sum(x)  # a scalar from array inputs: not elementwise

    m2 = fc.Model("m2")
    m2.assume("x", fc.uniform(0, 1))
    with pytest.raises(TypeError, match=r"derived 'pair'.*returned an array of shape \(2,\)"):

        @m2.derive
        def pair(x):
            return np.stack([x, x])


def test_keep_summary_is_a_deprecated_spelling_of_stream(benchmark_model):
    with pytest.warns(DeprecationWarning, match=r'keep="summary" is deprecated.*use stream=True'):
        old = benchmark_model.simulate(5_000, seed=3, keep="summary")
    new = benchmark_model.simulate(5_000, seed=3, stream=True)
    assert isinstance(old, fc.StreamedResult) and old.summary(full=True).equals(new.summary(full=True))


def test_simulate_is_typed_by_what_it_returns(tmp_path):
    """mypy reads Result or StreamedResult from the arguments (the overloads of Model.simulate)."""
    api = pytest.importorskip("mypy.api")
    code = tmp_path / "typed.py"
    code.write_text(
        "import flopcast as fc\n"
        "m = fc.Model('m')\n"
        "reveal_type(m.simulate(10))\n"
        "reveal_type(m.simulate(10, stream=True))\n"
        "reveal_type(m.simulate(10, seed=None, keep=['a'], stream=False))\n"
    )
    # Only flopcast is read (numpy, pandas... are skipped, as Any): the check takes seconds, not minutes.
    config = tmp_path / "mypy.ini"
    config.write_text(
        "[mypy]\nfollow_imports = skip\nignore_missing_imports = True\n[mypy-flopcast.*]\nfollow_imports = silent\n"
    )
    out, _, _ = api.run([str(code), "--config-file", str(config), "--cache-dir", str(tmp_path / "cache")])
    revealed = [line.split("Revealed type is ")[1] for line in out.splitlines() if "Revealed type" in line]
    assert revealed == ['"flopcast.result.Result"', '"flopcast.result.StreamedResult"', '"flopcast.result.Result"']


def test_an_error_of_the_users_function_names_the_quantity_from_a_worker_process_too():
    """The note that names the quantity is added where the graph runs, and travels back from a worker."""
    from tests.engine.contract import failing_model

    for workers in (1, 2):
        with pytest.raises(ZeroDivisionError, match="a draw of x above 0.999") as info:
            failing_model().simulate(20_000, seed=0, chunk_size=10_000, workers=workers)
        assert "derived quantity 'y' of model 'failing'" in info.value.__notes__[0]
