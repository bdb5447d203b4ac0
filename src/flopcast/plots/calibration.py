"""Prior versus posterior of a calibration, one panel per quantity.

Built with ``matplotlib.figure.Figure`` (never ``pyplot``): no global matplotlib state is touched. Each panel shows
the prior and posterior densities as step histograms on a shared grid (a log axis for positive quantities that
span more than a decade) with their medians, and marks the observed value of a quantity observed without
``given`` conditions (an observation under other conditions measures another subject, so it has no place on the
model's own axis).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from flopcast import stats
from flopcast.errors import FlopcastValueError
from flopcast.plots.axes import literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.analysis.calibration import Calibration

__all__ = ["prior_posterior_plot"]

PRIOR_COLOR = "#999999"
POSTERIOR_COLOR = "#0072B2"
OBSERVED_COLOR = "#D55E00"


def _default_quantities(calibration: Calibration) -> tuple[str, ...]:
    """The calibrated assumptions (in model order), then the observed quantities."""
    from flopcast.analysis.observations import inputs_of

    model = calibration.prior_model
    inputs = {n for obs in calibration.observations for n in inputs_of(model, obs)}
    names = [n for n in model.uncertain if n in inputs]
    names += [o.quantity for o in calibration.observations if o.quantity not in names]
    return tuple(dict.fromkeys(names))


def prior_posterior_plot(
    calibration: Calibration,
    quantities: Iterable[str] | str | None = None,
    *,
    prob: float = 0.9,
    bins: int = 60,
    columns: int = 3,
) -> Figure:
    """Plot prior and posterior distributions of a calibration's quantities.

    Parameters
    ----------
    calibration : Calibration
        The result of :func:`flopcast.analysis.calibration.calibrate`.
    quantities : str or iterable of str, optional
        Quantities to show (default: the calibrated assumptions and the observed quantities).
    prob : float, default 0.9
        The histograms span the union of the prior's and the posterior's central ``prob + (1 - prob) / 2``
        intervals, so long tails do not flatten the panels.
    bins : int, default 60
        Histogram bins.
    columns : int, default 3
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.analysis.calibration import calibrate, observe
    >>> from flopcast.plots.calibration import prior_posterior_plot
    >>> m = fc.Model("m")
    >>> _ = m.assume("x", fc.LogNormal(0.0, 1.0))
    >>> cal = calibrate(m, [observe("x", 2.0, sigma=0.3)], n=10_000, seed=0)
    >>> fig = prior_posterior_plot(cal)
    >>> [ax.get_title() for ax in fig.axes]
    ['x']
    """
    from matplotlib.figure import Figure

    model = calibration.prior_model
    if quantities is None:
        names = _default_quantities(calibration)
    else:
        names = model.check_names(quantities)
    if not names:
        raise FlopcastValueError("prior_posterior_plot(): no quantity to show")
    columns = max(1, min(int(columns), len(names)))
    rows = -(-len(names) // columns)
    fig = Figure(figsize=(3.6 * columns, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    tail = (1 - prob) / 4
    for ax, name in zip(axes, names, strict=False):
        prior = np.asarray(calibration.prior_draws[name], dtype=float)
        post = calibration.posterior(name)
        lo = float(min(stats.quantiles(prior, [tail])[0], stats.quantiles(post, [tail])[0]))
        hi = float(max(stats.quantiles(prior, [1 - tail])[0], stats.quantiles(post, [1 - tail])[0]))
        log = lo > 0 and hi / lo > 10
        if hi <= lo:
            lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
        edges = np.geomspace(lo, hi, bins + 1) if log else np.linspace(lo, hi, bins + 1)
        for draws, color, label in ((prior, PRIOR_COLOR, "prior"), (post, POSTERIOR_COLOR, "posterior")):
            ax.hist(draws, bins=edges, density=True, histtype="step", color=color, label=label, linewidth=1.5)
            ax.axvline(float(stats.quantiles(draws, [0.5])[0]), color=color, linestyle=":", linewidth=1)
        for obs in calibration.observations:
            if obs.quantity == name and not obs.given:
                ax.axvline(obs.value, color=OBSERVED_COLOR, linewidth=1.5, label="observed")
        if log:
            ax.set_xscale("log")
        ax.set_title(name)
        ax.set_xlabel(literal(model[name].unit))
        ax.set_yticks([])
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small", frameon=False)
    fig.suptitle(literal(f"{model.name}: prior and posterior ({calibration.method})"))
    return fig
