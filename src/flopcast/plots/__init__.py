"""Figures for notebooks and reports; each function returns a :class:`matplotlib.figure.Figure`.

matplotlib is an optional dependency (``pip install "flopcast[plots]"``). ``import flopcast.plots`` does not import
it: each function is loaded from its module on first use. No function changes global matplotlib state (no pyplot
figures, no rcParams): save a figure with ``fig.savefig(path)`` or show it by leaving it as the last expression of
a notebook cell.

=====================================  ===================================================================
:func:`forest_plot`                    medians and 90%/50% intervals of a :class:`~flopcast.Result`
:func:`distribution_plot`              CDFs or densities of a Result's quantities
:func:`tornado_plot`                   one-at-a-time swings (:func:`flopcast.analysis.tornado.tornado`)
:func:`sobol_plot`                     Sobol' indices with intervals (:func:`flopcast.analysis.sobol.sobol`)
:func:`prior_posterior_plot`           prior versus posterior of a calibration (:mod:`flopcast.analysis.calibration`)
=====================================  ===================================================================

Examples
--------
>>> import flopcast.plots as fp
>>> sorted(fp.__all__)
['distribution_plot', 'forest_plot', 'prior_posterior_plot', 'sobol_plot', 'tornado_plot']
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.plots.calibration import prior_posterior_plot
    from flopcast.plots.results import distribution_plot, forest_plot
    from flopcast.plots.sensitivity import sobol_plot, tornado_plot

__all__ = [
    # a run's draws
    "distribution_plot",
    "forest_plot",
    # sensitivity
    "sobol_plot",
    "tornado_plot",
    # calibration
    "prior_posterior_plot",
]

_MODULES = {
    "distribution_plot": "flopcast.plots.results",
    "forest_plot": "flopcast.plots.results",
    "sobol_plot": "flopcast.plots.sensitivity",
    "tornado_plot": "flopcast.plots.sensitivity",
    "prior_posterior_plot": "flopcast.plots.calibration",
}


def __getattr__(name: str) -> Any:
    """Load a plot function from its module on first access (keeps matplotlib out of ``import flopcast.plots``)."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'flopcast.plots' has no attribute {name!r} (plots: {', '.join(__all__)})")
    _require_matplotlib()
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


def _require_matplotlib() -> None:
    """Raise a clear ImportError when the optional dependency is missing."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ImportError('flopcast.plots needs matplotlib: pip install "flopcast[plots]"')
