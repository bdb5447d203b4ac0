"""How a model presents itself: its headline outputs, reference values and extra report sections.

Presentation belongs to the model, not to the report: the report, the figures and the command read
:attr:`Model.presentation <flopcast.Model.presentation>` and know nothing of any particular model. A model declares
its presentation with :meth:`Model.present <flopcast.Model.present>`; the built-in Sora models use the same call.

- the **headline**: the outputs a report leads with (by default the model's leaves: the derived quantities that no
  other quantity uses);
- **references**: values to compare the distribution against, quantity -> {label: value} (for example a published
  estimate's low and high cases); the report says at which percentile each one lies;
- **sections**: extra report sections, each a title and a function ``render(model, result) -> Markdown``
  (``result`` is None when the section is shown without a run, as ``flopcast audit`` does).

Examples
--------
>>> import flopcast as fc
>>> m = fc.Model("m")
>>> _ = m.assume("a", fc.uniform(1, 2), label="input a")
>>> @m.derive(label="twice a")
... def b(a):
...     return 2 * a
>>> m.headline
('b',)
>>> _ = m.present(references={"b": {"a published guess": 3.0}})
>>> m.presentation.references["b"]["a published guess"]
3.0
>>> m["b"].label
'twice a'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastTypeError, FlopcastValueError

if TYPE_CHECKING:
    from flopcast.model import Model
    from flopcast.result import Result

__all__ = ["SECTION_NOTE", "Presentation", "ReportSection", "default_headline", "make_presentation", "render_section"]

#: The start of the note added to an error raised by a section's render function without a run (``result`` None).
SECTION_NOTE = "flopcast: report section "


@dataclass(frozen=True)
class ReportSection:
    """An extra section of a model's report: a title and a function that writes its Markdown.

    Parameters
    ----------
    title : str
        The section's heading.
    render : callable
        ``render(model, result) -> str``: the section's body in Markdown. ``result`` is the report's run, or None
        when the section is shown without one (``flopcast audit``).

    Examples
    --------
    >>> import flopcast as fc
    >>> s = ReportSection("Note", lambda model, result: f"{model.name} has {len(model.nodes)} quantities.")
    >>> s.render(fc.Model("m"), None)
    'm has 0 quantities.'
    """

    title: str
    render: Callable[[Model, Result | None], str]

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise FlopcastTypeError(f"ReportSection: title must be a non-empty string, got {self.title!r}")
        if not callable(self.render):
            raise FlopcastTypeError(
                f"ReportSection {self.title!r}: render must be a function (model, result) -> Markdown string, "
                f"got {type(self.render).__name__}"
            )


def render_section(section: ReportSection, model: Model, result: Result | None) -> str:
    """The Markdown of ``section`` for ``model``: its render function's text, checked to be text.

    ``result`` is the report's run, or None without one (``flopcast audit``). An error the function raises with
    ``result`` None carries a note saying so (a section that reads the run must handle None).

    Raises
    ------
    FlopcastTypeError
        When the function returns something other than a string, naming the section and the model.

    Examples
    --------
    >>> import flopcast as fc
    >>> render_section(ReportSection("Note", lambda model, result: "Text."), fc.Model("m"), None)
    'Text.'
    >>> render_section(ReportSection("Bad", lambda model, result: 42), fc.Model("m"), None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastTypeError: report section 'Bad' of model 'm': its render function returned int; ...
    """
    try:
        text = section.render(model, result)
    except Exception as exc:
        if result is None:
            exc.add_note(
                f"{SECTION_NOTE}{section.title!r} of model {model.name!r} was rendered without a run: result is "
                "None (as under `flopcast audit`); a section that reads the run must handle result None"
            )
        raise
    if not isinstance(text, str):
        raise FlopcastTypeError(
            f"report section {section.title!r} of model {model.name!r}: its render function returned "
            f"{type(text).__name__}; it must return Markdown text (str)"
        )
    return text


@dataclass(frozen=True)
class Presentation:
    """What a model declares about how it is shown (see :meth:`flopcast.Model.present`).

    Attributes
    ----------
    headline : tuple of str
        The declared headline outputs (empty: the model's leaves, see :attr:`flopcast.Model.headline`).
    references : mapping of str to mapping of str to float
        quantity -> {reference label: value}, read only.
    sections : tuple of ReportSection
        Extra report sections, in order.
    """

    headline: tuple[str, ...] = ()
    references: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: MappingProxyType({}))
    sections: tuple[ReportSection, ...] = ()


def default_headline(model: Model) -> tuple[str, ...]:
    """The derived quantities nothing else uses (the leaves), else the uncertain assumptions, else all of them.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(1, 2))
    >>> default_headline(m)
    ('a',)
    >>> @m.derive
    ... def b(a):
    ...     return 2 * a
    >>> @m.derive
    ... def c(b):
    ...     return b + 1
    >>> default_headline(m)
    ('c',)
    """
    used = {inp for d in model.derived.values() for inp in d.inputs}
    leaves = tuple(n for n in model.derived if n not in used)
    return leaves or model.uncertain or tuple(model.assumptions)


def make_presentation(
    model: Model,
    old: Presentation,
    headline: Iterable[str] | str | None,
    references: Mapping[str, Mapping[str, float]] | None,
    sections: Iterable[ReportSection] | None,
) -> Presentation:
    """Check what :meth:`flopcast.Model.present` was given and return the new Presentation (None keeps ``old``)."""
    owner = f"model {model.name!r}: present()"
    new_headline = old.headline
    if headline is not None:
        new_headline = model.check_names(headline, "headline output")
        if not new_headline:
            raise FlopcastValueError(f"{owner}: headline must name at least one quantity")
    new_references = old.references
    if references is not None:
        new_references = MappingProxyType({q: _reference_values(model, q, v) for q, v in _items(references, owner)})
    new_sections = old.sections
    if sections is not None:
        if isinstance(sections, ReportSection):
            sections = (sections,)
        new_sections = tuple(sections)
        for s in new_sections:
            if not isinstance(s, ReportSection):
                raise FlopcastTypeError(
                    f"{owner}: sections must be ReportSection(title, render) objects, got {type(s).__name__}"
                )
    return Presentation(new_headline, new_references, new_sections)


def _items(mapping: Any, owner: str) -> Iterable[tuple[Any, Any]]:
    if not isinstance(mapping, Mapping):
        raise FlopcastTypeError(
            f"{owner}: references must be a mapping quantity -> {{label: value}}, got {type(mapping).__name__}"
        )
    return mapping.items()


def _reference_values(model: Model, quantity: Any, values: Any) -> Mapping[str, float]:
    model.check_names([quantity], "reference quantity")
    owner = f"model {model.name!r}: present(references={{{quantity!r}: ...}})"
    out: dict[str, float] = {}
    for label, value in _items(values, owner):
        if not isinstance(label, str) or not label.strip():
            raise FlopcastTypeError(f"{owner}: each reference needs a label (a non-empty string), got {label!r}")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise FlopcastTypeError(f"{owner}: reference {label!r} must be a number, got {type(value).__name__}")
        if not math.isfinite(float(value)):
            raise FlopcastValueError(f"{owner}: reference {label!r} must be finite, got {value}")
        out[label] = float(value)  # numbers.Real: numpy scalars too
    return MappingProxyType(out)
