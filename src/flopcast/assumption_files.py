"""Assumption files: a model's assumptions as TOML, to share, edit and read back without sharing Python code.

Each assumption is a table ``[assumptions.<name>]`` with its ``family`` and parameters (exactly the fields of
the distribution family, so a file written and read back gives equal distributions), its ``unit``, ``label``,
``source`` and ``note``; a comment above it gives its 90% interval. Nested families (``truncated``,
``mixture``) hold their components as inline tables. When editing by hand, an interval can replace the
parameters of the families built from one (``normal``, ``lognormal``, ``uniform``, ``loguniform``, ``beta``):
``interval = [lo, hi]`` with an optional ``prob`` (default 0.9), or ``quantiles = {"0.1" = lo, "0.9" = hi}``,
or ``mean`` and ``sd``.
Reading a file keeps each assumption's label, source and note unless the file gives new ones.

Reading never executes code (:mod:`tomllib` parses data only). Every problem (unknown assumption or family, bad
parameter, wrong unit) is a :class:`~flopcast.errors.FlopcastValueError` naming the file, the key and the fix.

Examples
--------
>>> import flopcast as fc
>>> from flopcast.assumption_files import dumps, loads
>>> m = fc.Model("m")
>>> _ = m.assume("steps", fc.lognormal(30, 250), unit="step", source="video samplers")
>>> text = dumps(m)
>>> for line in text.splitlines()[4:11]:
...     print(line)
# steps: 90% interval 30 – 250 step
[assumptions.steps]
family = "lognormal"
mu = 4.461329149762201
sigma = 0.6445143511431258
unit = "step"
source = "video samplers"
>>> loads(text, m)["steps"].distribution == m["steps"].distribution
True
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.distributions import (
    PERT,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    LogUniform,
    Mixture,
    Normal,
    Point,
    Triangular,
    Truncated,
    Uniform,
)
from flopcast.errors import FlopcastError, FlopcastTypeError, FlopcastValueError, ModelWarning

if TYPE_CHECKING:
    from flopcast.model import Model
    from flopcast.model.nodes import Assumption

__all__ = ["FAMILIES", "dumps", "loads", "read_assumptions", "replace_from", "write_assumptions"]

#: The families a file can hold, by the name written in ``family = "..."``.
FAMILIES: dict[str, type[Distribution]] = {
    "point": Point,
    "uniform": Uniform,
    "loguniform": LogUniform,
    "normal": Normal,
    "lognormal": LogNormal,
    "triangular": Triangular,
    "pert": PERT,
    "beta": Beta,
    "truncated": Truncated,
    "mixture": Mixture,
    "choice": Choice,
}
_NAMES = {cls: name for name, cls in FAMILIES.items()}
_RECORD = ("unit", "label", "source", "note")  # the keys of an assumption besides its distribution
_BY_INTERVAL = ("interval", "prob", "quantiles", "mean", "sd")  # what a hand-written entry may give instead
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


# ------------------------------------------------------------------------------------------- writing
# A small writer rather than tomli-w: the file carries a comment with each assumption's 90% interval (tomli-w
# writes no comments), floats are written with repr() (the shortest text that reads back to the same float, so
# the round trip is exact) and flopcast gains no dependency for it.
def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # JSON's escapes are all valid in a TOML basic string
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        f = float(v)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return repr(f)
    if isinstance(v, Distribution):
        return "{" + ", ".join(f"{k} = {_value(x)}" for k, x in _fields(v, "")) + "}"
    if isinstance(v, tuple | list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise FlopcastTypeError(f"cannot write {type(v).__name__} to TOML")  # unreachable for exportable families


def _fields(dist: Distribution, owner: str) -> list[tuple[str, Any]]:
    family = _NAMES.get(type(dist))
    if family is None:
        raise FlopcastValueError(
            f"{owner}: the family {type(dist).__name__} cannot be written to an assumption file (it holds a "
            f"frozen scipy.stats distribution or a sample of draws); files hold {', '.join(FAMILIES)}. Replace it "
            "with one of these, or share the model as Python code"
        )
    out: list[tuple[str, Any]] = [("family", family)]
    for f in dataclasses.fields(dist):  # type: ignore[arg-type]
        if f.init:
            value = getattr(dist, f.name)
            if value is not None:
                out.append((f.name, value))
    return out


def _interval_comment(name: str, a: Assumption) -> str:
    from flopcast.formatting import eng, interval

    if a.distribution.is_point:
        return f"# {name}: fixed at {eng(a.distribution.point_value())} {a.unit}".rstrip()
    lo, hi = a.distribution.interval(0.9)
    return f"# {name}: 90% interval {interval(lo, hi)} {a.unit}".rstrip()


def dumps(model: Model) -> str:
    """The assumptions of ``model`` as TOML text (see :mod:`flopcast.assumption_files`)."""
    from flopcast.version import __version__

    lines = [
        f"# Assumptions of the flopcast model {model.name!r}; read back with model.replace_from(path).",
        f"model = {_value(model.name)}",
        f"flopcast = {_value(__version__)}",
        "",
    ]
    for name, a in model.assumptions.items():
        fields = _fields(a.distribution, f"assumption {name!r}")
        lines.append(_interval_comment(name, a))
        lines.append(f"[assumptions.{_key(name)}]")
        lines += [f"{k} = {_value(v)}" for k, v in fields]
        # A label that is only the name (the default) is not written: reading keeps the reading model's own.
        lines += [f"{k} = {_value(getattr(a, k))}" for k in _RECORD if not (k == "label" and a.label == name)]
        lines.append("")
    return "\n".join(lines)


def write_assumptions(model: Model, path: str | Path) -> Path:
    """Write the assumptions of ``model`` to a TOML file and return its path.

    Raises
    ------
    FlopcastValueError
        For an assumption whose family cannot be exported (a frozen scipy distribution, an empirical sample),
        naming it; nothing is written then.
    """
    text = dumps(model)
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out


# ------------------------------------------------------------------------------------------- reading
def _error(source: str, key: str, message: str) -> FlopcastValueError:
    return FlopcastValueError(f"{source}: {key}: {message}")


def _distribution(spec: Any, source: str, key: str) -> Distribution:
    if not isinstance(spec, Mapping):
        raise _error(source, key, f"expected a table with a family and its parameters, got {spec!r}")
    params = dict(spec)
    family = params.pop("family", None)
    if family is None:
        raise _error(source, key, f'no family; add family = "..." (one of {", ".join(FAMILIES)})')
    if family not in FAMILIES:
        import difflib

        close = difflib.get_close_matches(str(family), list(FAMILIES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise _error(source, f"{key}.family", f"unknown family {family!r}{hint} (families: {', '.join(FAMILIES)})")
    cls = FAMILIES[family]
    if set(params) & set(_BY_INTERVAL):
        return _from_interval(family, params, source, key)
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    for p in params:
        if p not in names:
            raise _error(source, f"{key}.{p}", f"{family} has no parameter {p!r}; its parameters: {', '.join(names)}")
    kwargs: dict[str, Any] = {}
    for p, v in params.items():
        if p == "base":
            v = _distribution(v, source, f"{key}.base")
        elif p == "components":
            if not isinstance(v, list):
                raise _error(source, f"{key}.components", "expected a list of inline tables")
            v = tuple(_distribution(c, source, f"{key}.components[{i}]") for i, c in enumerate(v))
        elif isinstance(v, list):
            v = tuple(v)
        kwargs[p] = v
    try:
        return cls(**kwargs)
    except FlopcastError as exc:
        raise _error(source, key, f"{exc}; fix the parameters of this {family}") from None
    except TypeError as exc:  # a missing parameter
        raise _error(source, key, f"{exc}; {family} takes {', '.join(names)}") from None


def _from_interval(family: str, params: dict[str, Any], source: str, key: str) -> Distribution:
    """A hand-written entry given by an interval, quantiles or moments, through the family's constructor."""
    from flopcast import constructors

    builder = getattr(constructors, family, None) if family in ("normal", "lognormal", "uniform", "loguniform",
                                                                 "beta") else None  # fmt: skip
    if builder is None:
        raise _error(source, key, f"a {family} is given by its parameters, not by an interval or quantiles")
    kwargs = dict(params)
    interval = kwargs.pop("interval", None)
    args: tuple[Any, ...] = ()
    if interval is not None:
        if not isinstance(interval, list) or len(interval) != 2:
            raise _error(source, f"{key}.interval", f"expected [lo, hi], got {interval!r}")
        args = tuple(interval)
    if "quantiles" in kwargs:
        q = kwargs["quantiles"]
        if not isinstance(q, Mapping):
            raise _error(source, f"{key}.quantiles", 'expected a table such as {"0.1" = 10, "0.9" = 60}')
        try:
            kwargs["quantiles"] = {float(level): value for level, value in q.items()}
        except ValueError:
            raise _error(source, f"{key}.quantiles", f'levels must be numbers such as "0.1", got {list(q)}') from None
    try:
        return builder(*args, **kwargs)
    except FlopcastError as exc:
        raise _error(source, key, f"{exc}; fix this {family}'s interval, quantiles or moments") from None
    except TypeError as exc:
        raise _error(source, key, f"{exc}; give interval = [lo, hi] (and prob), quantiles, or mean and sd") from None


def _check_unit(source: str, key: str, given: str, declared: str) -> None:
    from flopcast import units

    ureg = units.registry()
    got = units.parse_unit(given, f"{source}: {key}")
    want = ureg.Unit(declared.strip() or "1")
    if got.dimensionality != want.dimensionality:
        raise _error(
            source,
            key,
            f"unit {given!r} has dimension {dict(got.dimensionality) or '(dimensionless)'} but the model takes "
            f"{declared!r} {dict(want.dimensionality) or '(dimensionless)'}; write the assumption in {declared!r}",
        )
    factor = float(ureg.Quantity(1.0, got).to(want).magnitude)
    if not math.isclose(factor, 1.0, rel_tol=1e-12):
        raise _error(
            source,
            key,
            f"unit {given!r} is {factor:g} {declared!r}; the model takes {declared!r}: convert the parameters "
            f"to {declared!r} and write unit = {declared!r}",
        )


def loads(text: str, model: Model, source: str = "<assumptions>") -> dict[str, Assumption]:
    """Read TOML text into new :class:`~flopcast.Assumption` nodes for ``model`` (which is left untouched)."""
    import tomllib

    from flopcast.model.nodes import Assumption

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FlopcastValueError(f"{source}: not valid TOML ({exc}); fix the syntax at that line") from None
    for top in data:
        if top not in ("model", "flopcast", "assumptions"):
            raise _error(source, top, "unknown key; a file holds model, flopcast and [assumptions.<name>] tables")
    written_for = data.get("model")
    if written_for is not None and written_for != model.name:
        # Assumptions move between related models on purpose (the article's into the uncertain one): said, not refused.
        warnings.warn(
            f"{source}: written for model {written_for!r}, read into model {model.name!r}; its assumptions are "
            "applied by name",
            ModelWarning,
            stacklevel=3,
        )
    entries = data.get("assumptions", {})
    if not isinstance(entries, Mapping):
        raise _error(source, "assumptions", "expected tables [assumptions.<name>]")
    out: dict[str, Assumption] = {}
    for name, entry in entries.items():
        key = f"assumptions.{name}"
        if name not in model:
            raise _error(source, key, model.unknown_message(name, "quantity") + "; remove it or fix its name")
        old = model[name]
        if not isinstance(old, Assumption):
            raise _error(source, key, f"{name!r} is a derived quantity of {model.name!r}; a file sets assumptions")
        if not isinstance(entry, Mapping):
            raise _error(source, key, "expected a table with family, parameters, unit, label, source and note")
        spec = {k: v for k, v in entry.items() if k not in _RECORD}
        for k in _RECORD:
            if k in entry and not isinstance(entry[k], str):
                raise _error(source, f"{key}.{k}", f"expected a string, got {entry[k]!r}")
        unit = entry.get("unit", old.unit)
        _check_unit(source, f"{key}.unit", unit, old.unit)
        dist = _distribution(spec, source, key)
        out[name] = Assumption(name, dist, unit=old.unit, source=entry.get("source", old.source),
                               note=entry.get("note", old.note), label=entry.get("label", old.label))  # fmt: skip
    return out


def read_assumptions(path: str | Path, model: Model) -> dict[str, Assumption]:
    """Read an assumption file into new :class:`~flopcast.Assumption` nodes for ``model``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise FlopcastValueError(f"cannot read the assumption file {str(p)!r}: {exc.strerror}") from None
    return loads(text, model, str(p))


def replace_from(model: Model, path: str | Path) -> Model:
    """A new model whose assumptions named in the file are replaced by the file's (see :meth:`Model.replace`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import flopcast as fc
    >>> from flopcast.assumption_files import replace_from, write_assumptions
    >>> m = fc.Model("m")
    >>> _ = m.assume("mfu", fc.beta(mean=0.4, sd=0.08), source="large runs")
    >>> what_if = m.replace(mfu=0.6)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_assumptions(m, pathlib.Path(d) / "assumptions.toml")
    ...     back = replace_from(what_if, path)
    >>> back["mfu"].distribution == m["mfu"].distribution, back["mfu"].source
    (True, 'large runs')
    """
    return model.replace(**read_assumptions(path, model))
