"""Presentation belongs to the model: labels, headline, references and report sections, kept by replace."""

import numpy as np
import pytest

import flopcast as fc


@pytest.fixture
def chain() -> fc.Model:
    m = fc.Model("chain")
    m.assume("a", fc.uniform(1, 2), unit="s", label="time per step")
    m.assume("k", 3.0)

    @m.derive(unit="s", label="three steps")
    def b(a, k):
        return k * a

    @m.derive(unit="s")
    def c(b):
        return b + b

    @m.derive(unit="s")
    def d(a):
        return a / 2

    return m


def test_label_defaults_to_name_and_is_kept_by_replace(chain: fc.Model):
    assert chain["a"].label == "time per step" and chain["b"].label == "three steps"
    assert chain["c"].label == "c" and chain["k"].label == "k"
    what_if = chain.replace(a=fc.uniform(1, 3), b=lambda a, k: k * a + 0.0)
    assert what_if["a"].label == "time per step" and what_if["b"].label == "three steps"
    fixed = chain.replace(b=5.0)  # a derived quantity fixed as an assumption keeps its label
    assert fixed["b"].label == "three steps"
    joint = chain.with_joint_draws({"a": [1.2, 1.8]})
    assert joint["a"].label == "time per step"


def test_label_must_be_text():
    with pytest.raises(fc.errors.FlopcastTypeError, match="'x': label"):
        fc.Model("m").assume("x", 1.0, label=3)  # type: ignore[arg-type]


def test_default_headline_is_the_leaves(chain: fc.Model):
    assert chain.headline == ("c", "d")  # b feeds c, so only c and d are leaves
    assert chain.presentation == fc.Presentation()
    only_assumptions = fc.Model("m")
    only_assumptions.assume("x", 2.0)
    only_assumptions.assume("y", fc.normal(0, 1))
    assert only_assumptions.headline == ("y",)


def test_present_declares_and_replace_keeps(chain: fc.Model):
    section = fc.ReportSection("Check", lambda model, result: f"{model.name}: {len(model.nodes)} quantities")
    refs = {"c": {"low case": 4.0, "high case": np.float64(8.0)}}
    p = chain.present(headline="b", references=refs, sections=[section])
    assert p is chain.presentation and p.headline == ("b",) and chain.headline == ("b",)
    assert dict(p.references["c"]) == {"low case": 4.0, "high case": 8.0}
    refs["c"]["low case"] = 0.0  # the model holds its own copy
    assert p.references["c"]["low case"] == 4.0
    with pytest.raises(TypeError):
        p.references["c"]["x"] = 1.0  # type: ignore[index]
    assert p.sections[0].render(chain, None) == "chain: 5 quantities"
    # None keeps what was declared; replace() and with_joint_draws() keep the presentation.
    chain.present(headline=["c", "d"])
    assert chain.presentation.references == p.references and chain.presentation.sections == (section,)
    assert chain.replace(a=1.5).presentation == chain.presentation
    assert chain.with_joint_draws({"a": [1.1, 1.9]}).headline == ("c", "d")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"headline": ["nope"]}, ValueError, "'nope' is not a headline output of model 'chain'"),
        ({"headline": []}, ValueError, "at least one"),
        ({"references": {"nope": {"x": 1.0}}}, ValueError, "not a reference quantity"),
        ({"references": {"c": 3.0}}, TypeError, "mapping"),
        ({"references": {"c": {"x": "big"}}}, TypeError, "reference 'x' must be a number, got str"),
        ({"references": {"c": {"x": float("nan")}}}, ValueError, "must be finite"),
        ({"references": {"c": {"": 1.0}}}, TypeError, "needs a label"),
        ({"sections": ["Audit"]}, TypeError, "ReportSection"),
    ],
)
def test_present_refuses_bad_input(chain: fc.Model, kwargs, error, match):
    with pytest.raises(error, match=match):
        chain.present(**kwargs)
    assert chain.presentation == fc.Presentation()  # nothing half-declared


def test_report_section_checks_its_fields():
    with pytest.raises(TypeError, match="title"):
        fc.ReportSection("", lambda m, r: "")
    with pytest.raises(TypeError, match="render must be a function"):
        fc.ReportSection("T", "text")  # type: ignore[arg-type]
