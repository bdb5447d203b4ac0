"""Assumption files: exact TOML round trip of every exportable family, and clear errors for bad files."""

import tomllib

import numpy as np
import pytest

import flopcast as fc
from flopcast.assumption_files import FAMILIES, dumps, loads, read_assumptions, write_assumptions
from flopcast.errors import FlopcastValueError, ModelWarning
from flopcast.joint import Empirical

EVERY_FAMILY = {
    "point": fc.point(3.25),
    "uniform": fc.uniform(0.1, 0.7),
    "loguniform": fc.loguniform(1e-3, 7.5),
    "normal": fc.normal(-1 / 3, 2 / 7),
    "lognormal": fc.lognormal(1e24, 1e25),
    "triangular": fc.triangular(1, 2.2, 9),
    "pert": fc.pert(1, 3, 11, shape=5.5),
    "beta": fc.beta(mean=0.4, sd=0.08),
    "truncated": fc.truncated(fc.normal(mean=0.1, sd=1.0), lower=0.0),
    "mixture": fc.mixture([fc.lognormal(1, 10), fc.uniform(2, 3)], weights=[0.3, 0.7]),
    "choice": fc.choice({"low": 1.5, "mid": 2.0, "high": 1e30}, probs=[0.2, 0.5, 0.3]),
}


def every_family_model() -> fc.Model:
    m = fc.Model("families")
    for name, dist in EVERY_FAMILY.items():
        m.assume(name, dist, unit="FLOP/s" if name == "lognormal" else "1", source=f'src "{name}"\n', note="é ü")
    return m


def test_every_exportable_family_round_trips_exactly(tmp_path):
    assert set(EVERY_FAMILY) == set(FAMILIES)
    m = every_family_model()
    path = m.write_assumptions(tmp_path / "assumptions.toml")
    assert path.read_text() == dumps(m) and write_assumptions(m, tmp_path / "again.toml").read_text() == dumps(m)
    tomllib.loads(path.read_text())  # valid TOML
    other = m.replace(**{name: 1.0 for name in EVERY_FAMILY})  # same names, every value changed
    back = other.replace_from(path)
    for name, dist in EVERY_FAMILY.items():
        assert back[name].distribution == dist, name
        assert type(back[name].distribution) is type(dist)
        assert back[name].source == m[name].source and back[name].note == "é ü"
        assert back[name].unit == m[name].unit
    np.testing.assert_array_equal(back.simulate(1000, seed=3)["mixture"], m.simulate(1000, seed=3)["mixture"])
    assert dumps(back) == dumps(m)


def test_the_sora_models_round_trip():
    from flopcast.catalog import sora

    for m in (sora.uncertain(), sora.refined()):
        back = loads(dumps(m), m)
        assert set(back) == set(m.assumptions)
        assert all(back[n].distribution == m[n].distribution for n in back)


def test_non_exportable_families_are_named():
    m = fc.Model("m")
    m.assume("gpus", Empirical(np.array([1.0, 2.0, 3.0])))
    with pytest.raises(FlopcastValueError, match="assumption 'gpus': the family Empirical cannot be written"):
        dumps(m)
    from scipy import stats

    m2 = fc.Model("m2")
    m2.assume("x", stats.gamma(2.0))
    with pytest.raises(FlopcastValueError, match="assumption 'x': the family ScipyDistribution"):
        dumps(m2)


def test_hand_written_intervals_quantiles_and_moments():
    m = fc.Model("m")
    m.assume("steps", 100.0, unit="step")
    m.assume("mfu", 0.4)
    text = """
[assumptions.steps]
family = "lognormal"
interval = [30, 250]
unit = "step"

[assumptions.mfu]
family = "beta"
mean = 0.4
sd = 0.08
"""
    got = loads(text, m)
    assert got["steps"].distribution == fc.lognormal(30, 250)
    assert got["mfu"].distribution == fc.beta(mean=0.4, sd=0.08)
    q = loads('[assumptions.steps]\nfamily = "normal"\nquantiles = {"0.1" = 10, "0.9" = 60}\n', m)
    assert q["steps"].distribution == fc.normal(quantiles={0.1: 10, 0.9: 60})
    p = loads('[assumptions.steps]\nfamily = "uniform"\ninterval = [10, 60]\nprob = 0.5\n', m)
    assert p["steps"].distribution == fc.uniform(10, 60, prob=0.5)


LN = '[assumptions.steps]\nfamily = "lognormal"\nmu = 1.0'


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[assumptions.stepz]\nfamily = "point"\nvalue = 1.0', r"mine.toml: assumptions.stepz: .*did you mean 'steps'"),
        (LN.replace("lognormal", "lognorm") + "\nsigma = 1.0", r"steps.family: unknown family 'lognorm'; did you mean"),
        (LN + "\nsigma = -1.0", r"mine.toml: assumptions.steps: .*sigma.*fix the parameters"),
        (LN + "\nsd_log = 1.0", r"steps.sd_log: lognormal has no parameter 'sd_log'; its parameters: mu, sigma"),
        (LN, r"steps: .*sigma.*lognormal takes mu, sigma"),
        (LN + '\nsigma = 1.0\nunit = "s"', r"steps.unit: unit 's' has dimension .*write the assumption in 'step'"),
        ('[assumptions.time]\nfamily = "point"\nvalue = 1.0\nunit = "hour"', r"unit 'hour' is 3600 's'.*convert the"),
        ("[assumptions.steps]\nmu = 1.0", r'steps: no family; add family = "..."'),
        ('[assumptions.twice]\nfamily = "point"\nvalue = 1.0', r"'twice' is a derived quantity"),
        ("[assumptions.steps\nfamily = 1", r"mine.toml: not valid TOML"),
        ("other = 1", r"mine.toml: other: unknown key"),
        ('[assumptions.steps]\nfamily = "point"\nvalue = "x"', r"assumptions.steps: .*value"),
        ('[assumptions.steps]\nfamily = "triangular"\ninterval = [1, 2]', r"a triangular is given by its parameters"),
        ('[assumptions.steps]\nfamily = "point"\nvalue = 1.0\nsource = 3', r"steps.source: expected a string"),
    ],
)
def test_bad_files_name_the_file_the_key_and_the_fix(tmp_path, text, match):
    m = fc.Model("m")
    m.assume("steps", 100.0, unit="step")
    m.assume("time", 1.0, unit="s")

    @m.derive(unit="step")
    def twice(steps):
        return 2 * steps

    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(FlopcastValueError, match=match):
        read_assumptions(path, m)
    with pytest.raises(FlopcastValueError, match="cannot read the assumption file"):
        read_assumptions(tmp_path / "missing.toml", m)


def test_labels_sources_and_notes_survive_a_file_and_a_file_may_set_them(tmp_path):
    m = fc.Model("m")
    m.assume("params", fc.lognormal(1e9, 1e11), unit="parameter", label="Parameters", source="papers", note="n1")
    m.assume("steps", 100.0, unit="step")
    path = m.write_assumptions(tmp_path / "a.toml")
    written = tomllib.loads(path.read_text())["assumptions"]
    assert written["params"]["label"] == "Parameters" and "label" not in written["steps"]  # a default is not written
    back = m.replace(params=1e10).replace_from(path)
    assert (back["params"].label, back["params"].source) == ("Parameters", "papers")
    assert back["params"].distribution == m["params"].distribution
    # A file naming only the distribution keeps the model's label, source and note.
    path.write_text('[assumptions.params]\nfamily = "point"\nvalue = 5e9\n')
    kept = m.replace_from(path)["params"]
    assert (kept.label, kept.source, kept.note, kept.distribution) == ("Parameters", "papers", "n1", fc.point(5e9))
    # A file may give new ones.
    path.write_text('[assumptions.params]\nfamily = "lognormal"\ninterval = [1e9, 1e10]\nlabel = "Weights"\n'
                    'source = "mine"\nnote = "n2"\n')  # fmt: skip
    new = m.replace_from(path)["params"]
    assert (new.label, new.source, new.note) == ("Weights", "mine", "n2")
    path.write_text('[assumptions.params]\nfamily = "point"\nvalue = 1.0\nlabel = 3\n')
    with pytest.raises(FlopcastValueError, match="params.label: expected a string"):
        m.replace_from(path)


def test_a_file_written_for_another_model_is_read_with_a_warning(tmp_path):
    a = fc.Model("a")
    a.assume("mfu", fc.uniform(0.3, 0.5))
    b = fc.Model("b")
    b.assume("mfu", 0.4)
    path = a.write_assumptions(tmp_path / "a.toml")
    with pytest.warns(ModelWarning, match=r"written for model .a."):
        back = b.replace_from(path)
    assert back["mfu"].distribution == a["mfu"].distribution
    a.replace_from(path)  # its own model: no warning (warnings are errors in the tests)
