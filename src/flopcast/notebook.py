"""Show any flopcast object in a notebook, sensitivity Datasets included (they are plain xarray Datasets).

This sits above the analysis layer because it formats sensitivity Datasets with the analysis' own table; the HTML
building blocks it uses live in :mod:`flopcast.html`, at the bottom of the layers, with each object's
``_repr_html_``.
"""

from __future__ import annotations

from typing import Any

from flopcast.html import Html, text_html

__all__ = ["show"]


def show(obj: Any) -> Html:
    """Flopcast's HTML for any of its objects, sensitivity Datasets included (``display(fc.show(ds))``).

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.lognormal(1, 100))
    >>> @m.derive
    ... def b(a):
    ...     return 2 * a
    >>> "<pre>" in fc.show(fc.tornado(m, "b")).text
    True
    """
    if hasattr(obj, "_repr_html_"):
        return Html(obj._repr_html_()) if not _is_dataset(obj) else _dataset(obj)
    return Html(text_html(str(obj)))


def _is_dataset(obj: Any) -> bool:
    return type(obj).__module__.startswith("xarray")


def _dataset(ds: Any) -> Html:
    from flopcast.analysis.sensitivity import format_sensitivity

    try:
        text = format_sensitivity(ds)
    except Exception:  # not a sensitivity Dataset: xarray's own display
        return Html(ds._repr_html_())
    return Html(text_html(text))
