"""Units are checked in scale, not only in dimension: a plain-float result must be its value in the declared unit."""

import re

import pytest

import flopcast as fc
from flopcast.errors import FlopcastValueError


@pytest.fixture
def llm() -> fc.Model:
    """A small LLM training run, as a new user writes it from the docs."""
    m = fc.Model("llm")
    m.assume("train_flop", fc.lognormal(1e24, 1e25), unit="FLOP")
    m.assume("peak", 989e12, unit="FLOP/s/GPU")
    m.assume("mfu", fc.uniform(0.3, 0.5))
    return m


def test_gpu_seconds_declared_as_gpu_hours_is_refused_3600x(llm: fc.Model):
    expected = (
        "derived 'gpu_hours': the formula gives GPU*second, declared GPU*hour (1 GPU*second = 1/3600 GPU*hour): "
        "divide by 3600"
    )
    with pytest.raises(fc.errors.FlopcastValueError, match=re.escape(expected)) as info:

        @llm.derive(unit="GPU*hour")
        def gpu_hours(train_flop, peak, mfu):
            return train_flop / (peak * mfu)

    assert "declare unit='GPU*second'" in str(info.value)
    assert "m.assume('second_per_hour', 3600, unit='second/hour')" in str(info.value)
    assert "gpu_hours" not in llm  # refused when added, not after a simulation


def test_bare_86400_is_refused_because_a_bare_number_carries_no_unit(llm: fc.Model):
    # Dividing by a bare 86400 under GPU*hour is 24x off; pint sees GPU*second either way, 3600x from GPU*hour.
    with pytest.raises(ValueError, match=r"gives GPU\*second, declared GPU\*hour \(1 GPU\*second = 1/3600 GPU\*hour\)"):

        @llm.derive(unit="GPU*hour")
        def gpu_hours(train_flop, peak, mfu):
            return train_flop / (peak * mfu) / 86400

    with pytest.raises(ValueError, match=r"declared GPU\*day \(1 GPU\*second = 1/86400 GPU\*day\): divide by 86400"):

        @llm.derive(unit="GPU*day")
        def gpu_days(train_flop, peak, mfu):
            return train_flop / (peak * mfu)


def test_conversion_through_a_constant_with_its_unit_passes(llm: fc.Model):
    llm.assume("seconds_per_hour", 3600, unit="s/hour", source="definition")

    @llm.derive(unit="GPU*hour")
    def gpu_hours(train_flop, peak, mfu, seconds_per_hour):
        return train_flop / (peak * mfu) / seconds_per_hour

    point = llm.point()
    assert point["gpu_hours"] == pytest.approx(point["train_flop"] / (989e12 * 0.4) / 3600, rel=1e-12)

    @llm.derive(unit="GPU*s")  # the same formula in its own unit: nothing to convert
    def gpu_seconds(train_flop, peak, mfu):
        return train_flop / (peak * mfu)

    assert point["gpu_hours"] * 3600 == pytest.approx(llm.point()["gpu_seconds"], rel=1e-12)


def test_percent_is_not_one():
    m = fc.Model("m")
    m.assume("flop", 1e21, unit="FLOP")
    m.assume("mfu_percent", 40, unit="percent")
    with pytest.raises(ValueError, match=r"gives FLOP\*percent, declared FLOP \(1 FLOP\*percent = 1/100 FLOP\)") as e:

        @m.derive(unit="FLOP")
        def useful_flop(flop, mfu_percent):
            return flop * mfu_percent

    assert "as a fraction in unit '1'" in str(e.value)
    m.assume("mfu", 0.4, unit="1")

    @m.derive(unit="FLOP")
    def useful(flop, mfu):
        return flop * mfu

    @m.derive(unit="percent")  # a ratio declared in percent must be computed in percent
    def share_percent(mfu_percent):
        return mfu_percent

    plain = r"gives 1 \(a plain number\), declared percent \(1 = 100 percent\): multiply by 100"
    with pytest.raises(ValueError, match=plain):

        @m.derive(unit="percent")
        def share(mfu):
            return mfu


# MAC vs FLOP (different dimensions, refused by the dimension check): tests/model/test_checks.py::
# test_mac_and_flop_are_different_dimensions.


def test_rate_in_per_second_declared_per_hour_is_refused():
    m = fc.Model("m")
    m.assume("rate", 2.0, unit="1/s")
    with pytest.raises(ValueError, match=r"gives 1/second, declared 1/hour \(1/second = 3600/hour\): multiply by 3600"):

        @m.derive(unit="1/hour")
        def per_hour(rate):
            return rate


def test_sum_of_hours_and_seconds_is_refused():
    m = fc.Model("m")
    m.assume("wall", 2.0, unit="hour")
    m.assume("setup", 1800.0, unit="s")
    with pytest.raises(
        ValueError, match=r"derived 'total': its formula converts second to hour .*wall \[hour\], setup \[s\]"
    ):

        @m.derive(unit="hour")
        def total(wall, setup):
            return wall + setup


@pytest.mark.parametrize("case", ["low", "high"])
def test_every_catalog_model_builds(case):
    from flopcast.catalog import benchmark, sora, video_latency

    models = [sora.article(case), sora.uncertain(), sora.refined(), video_latency.video_latency()]
    models.append(benchmark.benchmark_model())
    for m in models:
        assert m.derived


def test_registry_cache_folder_that_cannot_be_written(tmp_path, monkeypatch):
    """pint's disk cache is optional: a cache folder that cannot be created leaves the registry as it is."""
    from flopcast import units

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # pint's cache folder would be inside a file
    ureg = units._new_registry()
    assert float(ureg.Quantity(2, "J/s").to("W").magnitude) == 2.0


def test_registry_cache_with_a_truncated_file(tmp_path, monkeypatch):
    from flopcast import units

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    units._new_registry()  # fills the cache
    cached = list((tmp_path / "pint").glob("*.pickle"))
    assert cached
    for path in cached:  # as if another process were still writing them
        path.write_bytes(path.read_bytes()[:50])
    ureg = units._new_registry()
    assert float(ureg.Quantity(1, "hour").to("s").magnitude) == 3600.0


@pytest.mark.parametrize(
    ("given", "declared", "action"),
    [("MAC", "FLOP", "multiply"), ("MAC/s", "FLOP/s", "multiply"), ("FLOP", "MAC", "divide")],
)
def test_mac_declared_as_flop_says_to_use_a_flop_per_mac_assumption(given, declared, action):
    """docs/own-model.md: MACs are not FLOP (a different dimension: multiply by a FLOP/MAC assumption)."""
    m = fc.Model("m")
    m.assume("x", 5e11, unit=given)
    with pytest.raises(FlopcastValueError) as e:
        m.derive(lambda x: x, name="y", unit=declared)
    message = str(e.value)
    assert message.startswith("derived 'y': unit mismatch: declared ")
    assert f"{action} by a FLOP/MAC assumption, such as m.assume('flop_per_mac', 2, unit='FLOP/MAC')" in message


def test_other_dimension_mismatches_keep_the_generic_fix():
    m = fc.Model("m")
    m.assume("x", 5.0, unit="GPU")
    with pytest.raises(FlopcastValueError, match=r"fix the declared unit, the units of its inputs, or the formula$"):
        m.derive(lambda x: x, name="y", unit="FLOP")


def test_offset_units_are_refused_as_an_offset_not_a_factor():
    m = fc.Model("m")
    m.assume("t", 20.0, unit="degC")
    with pytest.raises(FlopcastValueError) as e:
        m.derive(lambda t: t, name="t_k", unit="kelvin")
    message = str(e.value)
    assert message.startswith("derived 't_k': the formula gives degree_Celsius, declared kelvin; these units")
    assert "differ by an offset (0 degree_Celsius = 273.15 kelvin), not by a factor" in message
    assert "multiply" not in message and "274.15" not in message
    m.derive(lambda t: t, name="t_c", unit="degC")
    assert m.point()["t_c"] == 20.0
