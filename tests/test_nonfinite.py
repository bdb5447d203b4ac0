"""NaN and infinite draws are never silent: counted, left out with a warning that names the quantity, or refused.

The model of every test: ``y = log(x)`` with ``x ~ normal(1, 1)``, so ``P(x < 0) = Phi(-1) = 15.87%`` of the draws of
``y`` are NaN. The reference for each statistic is numpy's on the finite draws.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sc

import flopcast as fc
from flopcast.analysis.sobol import sobol
from flopcast.errors import FlopcastValueError, ModelWarning, NonFiniteWarning
from flopcast.stats import NonFinite

N = 40_000
SHARE = float(sc.ndtr(-1.0))  # 0.1587: the share of NaN draws of y


def nan_model() -> fc.Model:
    m = fc.Model("nan_model")
    m.assume("x", fc.normal(mean=1.0, sd=1.0))
    with pytest.warns(ModelWarning, match="'y' gives nan"):  # the build already names the inputs that do it

        @m.derive
        def y(x):
            return fc.log(x)

    with pytest.warns(ModelWarning, match="'z' gives inf"):

        @m.derive
        def z(x):
            return fc.where(x == 1.0, 1.0, np.inf)  # finite at the point value, infinite on every draw

    return m


@pytest.fixture(scope="module")
def kept() -> fc.Result:
    with np.errstate(invalid="ignore"):
        return nan_model().simulate(N, seed=1)


def finite_y(res: fc.Result) -> np.ndarray:
    y = res["y"]
    return y[np.isfinite(y)]


def test_counts_are_kept_per_quantity(kept: fc.Result) -> None:
    bad = kept.nonfinite("y")
    assert bad == NonFinite(N, int(np.isnan(kept["y"]).sum()), 0)
    # Binomial: the share is within 4 standard errors of Phi(-1).
    assert abs(bad.share - SHARE) < 4 * np.sqrt(SHARE * (1 - SHARE) / N)
    assert kept.nonfinite("x").count == 0
    assert kept.nonfinite("z") == NonFinite(N, 0, N)


def test_quantiles_use_the_finite_draws_and_say_so(kept: fc.Result) -> None:
    """Finding 5: NaN sorted as +inf gave a "median" of 0.345; the finite draws' median is 0.180."""
    share = r"'y': [\d,]+ of 40,000 draws \(1[56](\.\d+)?%\) are not finite"
    with pytest.warns(NonFiniteWarning, match=share) as record:
        median = kept.quantile("y", 0.5)[0]
    assert len(record) == 1
    assert median == np.median(finite_y(kept))
    assert median == pytest.approx(0.18, abs=0.01)  # 0.345 before
    with pytest.warns(NonFiniteWarning, match="'y'"):
        lo, hi = kept.interval("y", 0.9)
    assert (lo, hi) == tuple(np.quantile(finite_y(kept), [0.05, 0.95]))
    with pytest.warns(NonFiniteWarning, match="'y'"):
        hlo, hhi = kept.interval("y", 0.9, kind="hdi")
    inside = np.mean((finite_y(kept) >= hlo) & (finite_y(kept) <= hhi))
    assert inside == pytest.approx(0.9, abs=2 / N)


def test_summary_has_a_column_of_dropped_draws(kept: fc.Result) -> None:
    with pytest.warns(NonFiniteWarning, match=r"'y'.*its summary uses the [\d,]+ finite draws"):
        table = kept.summary(0.9, ["x", "y"])
    assert table.loc["y", "nonfinite"] == kept.nonfinite("y").count
    assert table.loc["x", "nonfinite"] == 0
    assert table.loc["y", "mean"] == pytest.approx(np.mean(finite_y(kept)), rel=1e-12)
    assert table.loc["y", "median"] == np.median(finite_y(kept))
    assert np.isfinite(table.loc["y"].drop("unit").astype(float)).all()


def test_a_quantity_without_finite_draws_is_refused(kept: fc.Result) -> None:
    with pytest.raises(FlopcastValueError, match=r"'z': no finite draw \(0 NaN, 40,000 infinite in 40,000 draws\)"):
        kept.summary(0.9, ["z"])
    with pytest.raises(FlopcastValueError, match="'z'"):
        kept.quantile("z", 0.5)


def test_streamed_summaries_equal_the_kept_ones() -> None:
    """Finding 5: keep="summary" failed after four retries with "did not converge"."""
    with np.errstate(invalid="ignore"):
        streamed = nan_model().simulate(N, seed=1, stream=True)
        kept = nan_model().simulate(N, seed=1, keep=["y"])
    with pytest.warns(NonFiniteWarning, match="'y'"):
        a = streamed.summary(quantities=["y"])
    with pytest.warns(NonFiniteWarning, match="'y'"):
        b = kept.summary(0.9, ["y"])
    numbers = [c for c in a.columns if c != "unit"]
    np.testing.assert_allclose(a[numbers].to_numpy(float), b[numbers].to_numpy(float), rtol=1e-12)
    assert streamed.nonfinite("y") == kept.nonfinite("y")
    with pytest.warns(NonFiniteWarning, match="'y'"):
        assert streamed.quantile("y", 0.5)[0] == np.median(finite_y(kept))
    with pytest.raises(FlopcastValueError, match="'z': no finite draw"):
        streamed.summary(quantities=["z"])


def test_streamed_summaries_beyond_the_pilot_equal_the_kept_ones() -> None:
    """More draws than the pilot: the finite count is estimated from it, then counted exactly."""
    n = 2**20 + 3 * 2**16
    with np.errstate(invalid="ignore"):
        streamed = nan_model().simulate(n, seed=5, stream=True)
        kept = nan_model().simulate(n, seed=5, keep=["y"])
    with pytest.warns(NonFiniteWarning):
        a, b = streamed.summary(quantities=["y"]), kept.summary(0.9, ["y"])
    numbers = [c for c in a.columns if c != "unit"]
    np.testing.assert_allclose(a[numbers].to_numpy(float), b[numbers].to_numpy(float), rtol=1e-12)


def test_compare_names_the_scenario() -> None:
    m = nan_model()
    with pytest.warns(ModelWarning):  # the what-if is a new model: its build warns again
        shifted = m.replace(x=fc.normal(mean=1.0, sd=2.0))
    with np.errstate(invalid="ignore"):
        cmp = fc.compare({"base": m, "shifted": shifted}, n=N, seed=3, keep=["y"])
    with pytest.warns(NonFiniteWarning) as record:
        table = cmp.summary()
    messages = sorted(str(w.message) for w in record)
    assert messages[0].startswith("scenario 'base': 'y'") and messages[1].startswith("scenario 'shifted': 'y'")
    for label in ("base", "shifted"):
        y = cmp.results[label]["y"]
        assert table.loc[("y", label), "median"] == np.median(y[np.isfinite(y)])
        assert table.loc[("y", label), "nonfinite"] == np.isnan(y).sum()


def test_sobol_refuses_non_finite_outputs() -> None:
    with (
        np.errstate(invalid="ignore"),
        pytest.raises(FlopcastValueError, match=r"output 'y' is NaN or infinite on \d+ of \d+ design points"),
    ):
        sobol(nan_model(), "y", n=64, seed=0)


def test_report_says_how_many_draws_were_left_out(tmp_path: object) -> None:
    from pathlib import Path

    from flopcast.report import write_report

    out = Path(str(tmp_path)) / "report"
    with np.errstate(invalid="ignore"), pytest.warns(NonFiniteWarning):
        report = write_report(nan_model(), out, n=N, seed=1, outputs=["y"], html=False)
    text = (out / "report.md").read_text(encoding="utf-8")
    bad = report.result.nonfinite("y")
    assert f"`y`: {bad.count:,} of {N:,}" in text
    assert "Left out of the sensitivity analysis: `y`" in text
    assert report.summary.loc["y", "nonfinite"] == bad.count


def test_report_intervals_are_those_of_the_finite_draws(tmp_path: object) -> None:
    """Every interval of the report (report.md, summary.csv, JSON) is the Result's, of the finite draws."""
    import json
    from pathlib import Path

    import pandas as pd

    from flopcast.formatting import row
    from flopcast.report import write_report

    out = Path(str(tmp_path)) / "report"
    with np.errstate(invalid="ignore"), pytest.warns(NonFiniteWarning):
        report = write_report(nan_model(), out, n=N, seed=1, outputs=["y"])
    x = report.result["y"]
    finite = x[np.isfinite(x)]
    lo50, hi50 = np.quantile(finite, [0.25, 0.75])  # numpy on the finite draws is the reference
    lo90, hi90 = np.quantile(finite, [0.05, 0.95])
    csv = pd.read_csv(out / "summary.csv", index_col=0)
    for table in (report.summary, csv):
        assert table.loc["y", "eti50_lower"] == pytest.approx(lo50, rel=1e-12)
        assert table.loc["y", "eti50_upper"] == pytest.approx(hi50, rel=1e-12)
        assert table.loc["y", "eti_upper"] == pytest.approx(hi90, rel=1e-12)
    summary = json.loads(json.dumps(report.to_json()))["summary"]["y"]
    assert (summary["eti50_lower"], summary["eti50_upper"]) == pytest.approx((lo50, hi50), rel=1e-12)
    expected = row([np.median(finite), (lo90, hi90), (lo50, hi50)])
    for page in ("report.md", "report.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert all(cell in text for cell in expected), page
