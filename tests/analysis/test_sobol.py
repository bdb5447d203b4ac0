"""Sobol' indices: analytic cases (tier 2: the true value inside the estimated interval), options, bad input."""

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.sensitivity import format_sensitivity, sobol

# ------------------------------------------------------------------------------------------------ analytic models
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(a: float = 7.0, b: float = 0.1) -> fc.Model:
    m = fc.Model("ishigami")
    for x in ("x1", "x2", "x3"):
        m.assume(x, fc.uniform(-np.pi, np.pi))

    @m.derive
    def y(x1, x2, x3):
        return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)

    return m


def g_function(a: tuple[float, ...]) -> tuple[fc.Model, np.ndarray, np.ndarray]:
    """Sobol's G-function on U(0, 1)^d with its analytic first-order and total indices."""
    m = fc.Model("g")
    names = [f"x{i}" for i in range(len(a))]
    for n in names:
        m.assume(n, fc.uniform(0, 1))
    coef = np.asarray(a)

    def g(x0, x1, x2, x3, x4):
        xs = (x0, x1, x2, x3, x4)
        out = 1.0
        for x, ai in zip(xs, coef, strict=True):
            out = out * (abs(4 * x - 2) + ai) / (1 + ai)
        return out

    m.add(fc.Derived("g", g))
    v = 1.0 / (3.0 * (1.0 + coef) ** 2)
    total_var = np.prod(1 + v) - 1
    s1 = v / total_var
    st = np.array([v[i] * np.prod(np.delete(1 + v, i)) for i in range(len(a))]) / total_var
    return m, s1, st


def additive() -> tuple[fc.Model, np.ndarray]:
    m = fc.Model("additive")
    m.assume("a", fc.uniform(0, 1))  # var 1/12
    m.assume("b", fc.normal(mean=0, sd=0.5))  # var 1/4
    m.assume("c", fc.uniform(-2, 2))  # var 16/12
    m.assume("fixed", 3.0)

    @m.derive
    def y(a, b, c, fixed):
        return 2 * a - b + 0.5 * c + fixed

    var = np.array([4 / 12, 1 / 4, 0.25 * 16 / 12])
    return m, var / var.sum()


def lognormal_product() -> tuple[fc.Model, np.ndarray]:
    sig = np.array([0.4, 1.0, 0.7])
    m = fc.Model("product")
    m.assume("p", fc.LogNormal(1.0, sig[0]))
    m.assume("q", fc.LogNormal(-2.0, sig[1]))
    m.assume("r", fc.LogNormal(0.5, sig[2]))

    @m.derive
    def y(p, q, r):
        return p * q**2 / r

    share = np.array([1.0, 4.0, 1.0]) * sig**2
    return m, share / share.sum()


def assert_covered(ds, var: str, truth, tol: float) -> None:
    est = ds[var].values
    lo, hi = ds[var + "_lower"].values, ds[var + "_upper"].values
    truth = np.asarray(truth)
    assert np.all((lo <= truth) & (truth <= hi)), (var, est, lo, hi, truth)
    np.testing.assert_allclose(est, truth, atol=tol)


# ------------------------------------------------------------------------------------------------ correctness
def test_ishigami_indices_inside_intervals_at_2_13():
    ds = sobol(ishigami(), "y", n=2**13, seed=2024).sel(output="y")
    names = ds["input"].values.tolist()
    assert names == ["x1", "x2", "x3"]
    assert_covered(ds, "S1", [ISHIGAMI_S1[n] for n in names], 0.02)
    assert_covered(ds, "ST", [ISHIGAMI_ST[n] for n in names], 0.02)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_ishigami_other_seeds(seed):
    ds = sobol(ishigami(), "y", n=2**13, seed=seed).sel(output="y")
    assert_covered(ds, "S1", list(ISHIGAMI_S1.values()), 0.02)
    assert_covered(ds, "ST", list(ISHIGAMI_ST.values()), 0.02)


def test_ishigami_second_order():
    # Only x1 and x3 interact: S2(x1, x3) = ST1 - S1_1 = 0.2437, the other pairs 0.
    ds = sobol(ishigami(), "y", n=2**13, seed=3, second_order=True).sel(output="y")
    s2 = ds["S2"].to_pandas()
    assert s2.loc["x1", "x3"] == pytest.approx(0.2437, abs=0.03)
    assert s2.loc["x3", "x1"] == s2.loc["x1", "x3"]  # symmetric
    assert abs(s2.loc["x1", "x2"]) < 0.03 and abs(s2.loc["x2", "x3"]) < 0.03
    assert np.isnan(np.diag(ds["S2"].values)).all()
    assert ds["S2_lower"].loc["x1", "x3"] <= 0.2437 <= ds["S2_upper"].loc["x1", "x3"]
    assert ds.attrs["n_runs"] == 2**13 * (2 * 3 + 2)


def test_g_function():
    model, s1, st = g_function((0.0, 1.0, 4.5, 9.0, 99.0))
    ds = sobol(model, "g", n=2**13, seed=11).sel(output="g")
    assert_covered(ds, "S1", s1, 0.02)
    assert_covered(ds, "ST", st, 0.02)


def test_additive_model_s1_equals_st():
    model, share = additive()
    ds = sobol(model, "y", n=2**12, seed=5).sel(output="y")
    assert ds["input"].values.tolist() == ["a", "b", "c"]  # the point value is left out
    assert_covered(ds, "S1", share, 0.02)
    assert_covered(ds, "ST", share, 0.02)
    np.testing.assert_allclose(ds["S1"], ds["ST"], atol=0.02)


def test_lognormal_product_on_logs_is_exact_share_of_log_variance():
    model, share = lognormal_product()
    ds = sobol(model, "y", n=2**12, seed=9, log=True).sel(output="y")
    # log y is additive: the Jansen total-order estimator is then exact, the first order nearly so.
    np.testing.assert_allclose(ds["ST"], share, atol=1e-2)
    assert_covered(ds, "S1", share, 0.02)
    assert_covered(ds, "ST", share, 0.02)
    assert ds.attrs["log"] is True
    # On the raw output the heavy tail makes the estimates far less precise (that is why log=True exists).
    raw = sobol(model, "y", n=2**12, seed=9).sel(output="y")
    assert raw.attrs["max_width"] > 5 * ds.attrs["max_width"]


def test_beta_and_discrete_families_work():
    m = fc.Model("mixed")
    m.assume("u", fc.beta(4, 6))
    m.assume("k", fc.choice([1.0, 2.0, 4.0]))
    m.assume("t", fc.triangular(0, 1, 3))

    @m.derive
    def y(u, k, t):
        return u + k + t

    var = np.array([fc.Beta(4, 6).var(), np.var([1.0, 2.0, 4.0]), fc.Triangular(0, 1, 3).var()])
    ds = sobol(m, "y", n=2**12, seed=1).sel(output="y")
    np.testing.assert_allclose(ds["S1"], var / var.sum(), atol=0.02)


# ------------------------------------------------------------------------------------------------ options
def test_several_outputs_in_one_design(benchmark_model):
    ds = sobol(benchmark_model, ["train_flop", "breakeven_min", "fleet"], n=2**10, seed=1, log=True)
    assert ds["S1"].dims == ("input", "output")
    assert ds["output"].values.tolist() == ["train_flop", "breakeven_min", "fleet"]
    assert len(ds["input"]) == len(benchmark_model.uncertain) == 15
    assert ds.attrs["n_runs"] == 2**10 * 17
    # breakeven_min = train_flop / video_flop: param_scale and latent frames cancel out exactly.
    for name in ("param_scale", "fps", "temporal_compression", "mfu"):
        assert abs(float(ds["ST"].sel(input=name, output="breakeven_min"))) < 1e-12
    one = sobol(benchmark_model, "fleet", n=2**10, seed=1, log=True)
    np.testing.assert_allclose(one["S1"].sel(output="fleet"), ds["S1"].sel(output="fleet"), rtol=0, atol=1e-12)


def test_same_seed_same_indices_and_seed_changes_them():
    model = ishigami()
    a = sobol(model, "y", n=2**8, seed=123)
    b = sobol(model, "y", n=2**8, seed=123)
    c = sobol(model, "y", n=2**8, seed=124)
    np.testing.assert_array_equal(a["S1"], b["S1"])
    np.testing.assert_array_equal(a["ST_conf"], b["ST_conf"])
    assert not np.array_equal(a["S1"], c["S1"])
    assert a.attrs["seed"] == 123
    d = sobol(model, "y", n=2**8, seed=np.random.SeedSequence(123))
    np.testing.assert_array_equal(a["S1"], d["S1"])


def test_no_global_random_state_used():
    model = ishigami()
    # numpy's legacy global generator (what SALib's analyze falls back on) must not move.
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    sobol(model, "y", n=2**6, seed=0)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_target_doubles_n_until_met_and_equals_a_direct_call():
    model = ishigami()
    ds = sobol(model, "y", n=2**8, seed=4, target=0.08, max_n=2**14)
    assert ds.attrs["target_met"] is True
    assert ds.attrs["n"] > 2**8 and ds.attrs["n"] & (ds.attrs["n"] - 1) == 0
    widths = np.concatenate([(ds[k + "_upper"] - ds[k + "_lower"]).values.ravel() for k in ("S1", "ST")])
    assert widths.max() < 0.08 and ds.attrs["max_width"] == pytest.approx(widths.max())
    direct = sobol(model, "y", n=ds.attrs["n"], seed=4)
    np.testing.assert_allclose(ds["S1"], direct["S1"], atol=1e-12)
    np.testing.assert_allclose(ds["ST_conf"], direct["ST_conf"], atol=1e-12)


def test_target_not_met_reports_the_maximum():
    ds = sobol(ishigami(), "y", n=2**6, seed=4, target=1e-4, max_n=2**8)
    assert ds.attrs["n"] == 2**8
    assert ds.attrs["target_met"] is False
    assert ds.attrs["max_width"] > 1e-4
    plain = sobol(ishigami(), "y", n=2**6, seed=4)
    assert plain.attrs["target"] is None and plain.attrs["target_met"] is None


def test_groups(benchmark_model):
    groups = {
        "hardware": ["peak_flops", "mfu"],  # peak_flops is a point value: left out of the group
        "platform": ["tiktok_min_per_day", "youtube_min_per_day", "tiktok_ai_share", "youtube_ai_share"],
        "model size": ["param_scale"],
    }
    ds = sobol(benchmark_model, "fleet", n=2**11, seed=2, groups=groups, log=True)
    names = ds["input"].values.tolist()
    assert names[:3] == ["hardware", "platform", "model size"]
    assert "mfu" not in names and "steps" in names  # ungrouped assumptions are factors of their own
    assert len(names) == 3 + 15 - 6
    assert ds["members"].sel(input="hardware").item() == "mfu"
    # log(fleet) is a sum of the log-factors (ai_min_per_day as one term): a group's S1 is its members' total.
    single = sobol(benchmark_model, "fleet", n=2**11, seed=2, log=True).sel(output="fleet")
    assert float(ds["S1"].sel(input="hardware", output="fleet")) == pytest.approx(
        float(single["S1"].sel(input="mfu")), abs=0.03
    )


def test_inputs_subset_keeps_the_others_varying():
    model, share = additive()
    ds = sobol(model, "y", n=2**12, seed=5, inputs=["c"]).sel(output="y")
    assert ds["input"].values.tolist() == ["c"]
    assert float(ds["S1"][0]) == pytest.approx(share[2], abs=0.02)  # share of the full variance
    assert ds.attrs["n_runs"] == 2**12 * 3


def test_format_table_sorted_by_total_index():
    text = format_sensitivity(sobol(ishigami(), "y", n=2**10, seed=1, second_order=True))
    lines = text.splitlines()
    assert lines[0].startswith("y: Sobol' indices, n = 1024, 95% intervals")
    rows = [ln.split()[0] for ln in lines[3:6]]
    assert rows == ["x1", "x2", "x3"]
    assert "x1 x x3" in text
    log_text = format_sensitivity(sobol(lognormal_product()[0], "y", n=2**8, seed=1, log=True))
    assert log_text.startswith("log(y)")


# ------------------------------------------------------------------------------------------------ bad input
def test_unknown_output_and_input_names():
    model = ishigami()
    with pytest.raises(ValueError, match="'yy' is not a quantity"):
        sobol(model, "yy", n=2**6)
    with pytest.raises(ValueError, match="'x4' is not a assumption"):
        sobol(model, "y", n=2**6, inputs=["x1", "x4"])
    with pytest.raises(ValueError, match="derived quantity"):
        sobol(model, "y", n=2**6, inputs=["y"])
    with pytest.raises(ValueError, match="group 'g'.*'x9'"):
        sobol(model, "y", n=2**6, groups={"g": ["x1", "x9"]})
    with pytest.raises(ValueError, match="two groups"):
        sobol(model, "y", n=2**6, groups={"g": ["x1"], "h": ["x1", "x2"]})
    with pytest.raises(TypeError, match="outputs"):
        sobol(model, 3, n=2**6)


def test_point_value_as_input_is_refused():
    model, _ = additive()
    with pytest.raises(ValueError, match="'fixed' is a point value"):
        sobol(model, "y", n=2**6, inputs="fixed")


@pytest.mark.parametrize("n", [1000, 3, 2**10 + 2])
def test_n_not_a_power_of_two_is_explained(n):
    with pytest.raises(ValueError, match="power of two.*use"):
        sobol(ishigami(), "y", n=n)


def test_bad_numbers():
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        sobol(ishigami(), "y", n=1)
    with pytest.raises(ValueError, match="max_n"):
        sobol(ishigami(), "y", n=2**8, target=0.1, max_n=2**6)
    with pytest.raises(ValueError, match="conf_level"):
        sobol(ishigami(), "y", n=2**6, conf_level=95)


def test_model_without_uncertain_assumption():
    m = fc.Model("fixed")
    m.assume("a", 2.0)

    @m.derive
    def y(a):
        return 2 * a

    with pytest.raises(ValueError, match="no uncertain assumption"):
        sobol(m, "y", n=2**6)


def test_correlated_assumptions_are_refused_with_the_alternatives():
    model = ishigami()
    model.correlate(["x1", "x2"], 0.5)
    with pytest.raises(ValueError, match="assume independent inputs.*rank_correlations\\(\\) or prcc\\(\\)"):
        sobol(model, "y", n=2**6)
    # A correlated set kept whole in one group is sampled jointly, and the group index is valid.
    ds = sobol(model, "y", n=2**8, seed=0, groups={"x12": ["x1", "x2"]})
    assert ds["input"].values.tolist() == ["x12", "x3"]
    # ... and so is leaving it out of the indexed inputs.
    assert sobol(model, "y", n=2**6, seed=0, inputs=["x3"])["input"].values.tolist() == ["x3"]


def test_constant_nonfinite_and_nonpositive_outputs():
    m = fc.Model("m")
    m.assume("a", fc.uniform(-1, 1))
    m.assume("b", 2.0)

    @m.derive
    def const(b):
        return b * 2

    @m.derive
    def signed(a):
        return a

    with pytest.warns(fc.errors.ModelWarning, match="'blows_up' gives nan"):

        @m.derive
        def blows_up(a):
            return fc.sqrt(a)  # NaN below 0

    with pytest.raises(ValueError, match="'const' is constant"):
        sobol(m, "const", n=2**6)
    with pytest.raises(ValueError, match="log=True needs positive values of output 'signed'"):
        sobol(m, "signed", n=2**6, log=True)
    with pytest.raises(ValueError, match="'blows_up' is NaN or infinite"):
        sobol(m, "blows_up", n=2**6)


def test_joint_draws_form_one_factor_and_keep_rows_together():
    import flopcast as fc

    m = fc.Model("joint")
    m.assume("a", fc.uniform(0, 1))
    m.assume("b", fc.uniform(0, 1))
    m.assume("c", fc.uniform(0, 1))

    @m.derive
    def y(a, b, c):
        return a - b + c

    rng = np.random.default_rng(0)
    a = rng.random(4096)
    post = m.with_joint_draws({"a": a, "b": a})  # a - b is exactly 0 on every joint row
    ds = fc.sobol(post, "y", n=2**12, seed=1)
    assert list(ds["input"].values) == ["a+b", "c"]
    # Only c moves y: the joint factor has no effect, since a - b = 0 row by row.
    assert float(ds["ST"].sel(input="a+b", output="y")) == pytest.approx(0.0, abs=1e-12)
    assert float(ds["S1"].sel(input="c", output="y")) == pytest.approx(1.0, abs=0.05)
    with pytest.raises(ValueError, match="draws a, b together"):
        fc.sobol(post, "y", n=2**10, seed=1, groups={"first": ["a"]})
