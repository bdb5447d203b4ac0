"""Notebook display: well-formed HTML tables with inline SVG, no script, no network, the numbers of the summaries."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import flopcast as fc
from flopcast.formatting import eng, row
from flopcast.html import histogram_svg
from flopcast.notebook import show


def parse(html: str) -> ET.Element:
    """Well-formed (X)HTML: every tag closed, every entity known."""
    return ET.fromstring(f"<div>{html}</div>")


def assert_offline(html: str) -> None:
    assert "<script" not in html and "javascript:" not in html
    assert re.findall(r"https?://[^\"' ]+", html) in ([], ["http://www.w3.org/2000/svg"] * html.count("<svg"))


@pytest.fixture(scope="module")
def model() -> fc.Model:
    m = fc.Model("toy")
    m.assume("flop", fc.lognormal(1e22, 1e24), unit="FLOP", source="a <guess> & more")
    m.assume("rate", fc.uniform(2e14, 4e14), unit="FLOP/s/GPU")
    m.assume("seconds_per_day", 86400, unit="s/day")

    @m.derive(unit="GPU*day")
    def gpu_days(flop, rate, seconds_per_day):
        return flop / rate / seconds_per_day

    return m


def test_result_shows_its_headline_table_with_a_histogram_per_quantity(model):
    res = model.simulate(20_000, seed=1)
    html = res._repr_html_()
    root = parse(html)
    assert_offline(html)
    rows = root.findall(".//tbody/tr")
    assert [r.find("td/code").text for r in rows] == list(model.headline) == ["gpu_days"]
    cells = [td.text for td in rows[0].findall("td")]
    summary = res.summary(quantities=["gpu_days"]).loc["gpu_days"]
    assert cells[1] == "GPU*day"
    # the report's one style per row: the median, the interval and the mean
    expected = row([summary["median"], (summary["eti_lower"], summary["eti_upper"]), summary["mean"]])
    assert cells[2:5] == expected
    assert len(root.findall(".//{http://www.w3.org/2000/svg}svg")) == 1
    assert "20,000 draws, seed 1" in html
    streamed = model.simulate(20_000, seed=1, stream=True)._repr_html_()
    assert expected[0] in streamed and "streamed" in streamed
    parse(streamed)


def test_histogram_bars_follow_the_counts():
    x = np.concatenate([np.zeros(300), np.ones(100)])
    svg = histogram_svg(x, width=64, height=26, log=False)
    heights = [26 - float(y) for y in re.findall(r"L[\d.]+,([\d.]+)L", svg)]
    # 32 bins over [0, 1]: 300 draws in the first, 100 in the last; heights in proportion (scale 24 / 300).
    assert len(heights) == 32 and heights[0] == pytest.approx(24) and heights[-1] == pytest.approx(8)
    assert all(h == 0 for h in heights[1:-1])
    assert histogram_svg(np.full(10, 3.0)) == ""
    assert "log axis" in histogram_svg(np.geomspace(1, 1e6, 1000))


def test_model_distribution_comparison_calibration_and_audit_show_tables(model):
    m_html = model._repr_html_()
    parse(m_html)
    assert_offline(m_html)
    assert all(f"<code>{name}</code>" in m_html for name in model.nodes)
    assert "a &lt;guess&gt; &amp; more" in m_html  # text is escaped

    d_html = fc.lognormal(10, 60)._repr_html_()
    parse(d_html)
    assert "90% interval 10 – 60" in d_html and "<svg" in d_html
    assert "<svg" not in fc.point(3)._repr_html_()

    cmp = fc.compare({"base": model, "fast": model.replace(rate=8e14)}, n=5000, seed=2)
    c_html = cmp._repr_html_()
    parse(c_html)
    r = cmp.summary().loc[("gpu_days", "fast")]
    assert f"x{row([r['ratio_median'], (r['ratio_lower'], r['ratio_upper'])])[0]} (" in c_html and "baseline" in c_html
    assert repr(cmp) == "Comparison(baseline='base', scenarios=['base', 'fast'], n=5000)"

    cal = fc.calibrate(model, [fc.observe("gpu_days", 3e3, sigma=0.3)], method="psis", n=20_000, seed=1)
    cal_html = cal._repr_html_()
    parse(cal_html)
    assert eng(cal.summary().loc["gpu_days", "posterior_median"]) in cal_html

    from flopcast.catalog.sora import audit as sora_audit

    audit = sora_audit()
    a_html = audit._repr_html_()
    parse(a_html)
    assert len(parse(a_html).findall(".//tbody/tr")) == len(audit)
    assert repr(audit) == f"Audit({len(audit)} findings)"


def test_show_gives_sensitivity_datasets_flopcasts_table(model):
    ds = fc.tornado(model, "gpu_days")
    html = show(ds).text
    assert html.startswith("<pre>") and "flop" in html
    assert show(model).text == model._repr_html_()
    expr = fc.to(1, 10) * 3
    assert "to(1, 10) * 3" in show(expr).text


def test_money_shows_as_money_in_one_style():
    m = fc.Model("cost")
    m.assume("cost", fc.lognormal(2e5, 2.4e6), unit="USD")
    html = m.simulate(20_000, seed=1)._repr_html_()
    cells = [td.text for td in parse(html).findall(".//tbody/tr/td")]
    assert cells[2].startswith("$") and cells[3].count("$") == 2 and cells[4].startswith("$")
    lo, hi = cells[3].split(" – ")
    assert lo.endswith("k") and hi.endswith("M")  # $211k – $2.37M, not 211,023 – 2.37e6
