"""Calibration: update a model's assumptions with observations of its quantities.

:func:`calibrate` offers two methods on the same graph and the same likelihoods
(:mod:`flopcast.analysis.observations`):

``"psis"``
    Monte Carlo draws of the prior, reweighted by the likelihood with Pareto-smoothed importance sampling
    (``arviz_stats.base.array_stats.psislw``). Cheap: the graph is evaluated again only downstream of each
    observation's ``given`` values. Reliable when the posterior sits inside the prior's bulk; the Pareto
    ``k`` says when it does not (``k > 0.7``: a warning that names ``"nuts"``).
``"nuts"``
    A PyMC model built from the graph (:mod:`flopcast.analysis.calibration.pymc_model`) and sampled with NUTS.

Both return a :class:`Calibration`: the prior and posterior draws of every quantity in one ArviZ ``DataTree``,
a prior-versus-posterior table, diagnostics, and a posterior :class:`~flopcast.model.Model` whose calibrated
assumptions are resampled jointly from the posterior draws, so ``simulate``, sensitivity and the reports run on it
unchanged. :func:`leave_one_out` checks a calibration by predicting each held-out subject.

The package, one concept per module:

- :mod:`~flopcast.analysis.calibration.run`: :func:`calibrate`, which checks its arguments and picks a method;
- :mod:`~flopcast.analysis.calibration.checks`: the observations, and which assumptions they calibrate;
- :mod:`~flopcast.analysis.calibration.psis` and :mod:`~flopcast.analysis.calibration.nuts`: the two methods;
- :mod:`~flopcast.analysis.calibration.pymc_model` and :mod:`~flopcast.analysis.calibration.families`: the PyMC
  model NUTS samples, built from the graph;
- :mod:`~flopcast.analysis.calibration.result`: :class:`Calibration`, what every method returns;
- :mod:`~flopcast.analysis.calibration.loo`: :func:`leave_one_out`.

A new method (for example a hierarchical model over subjects) is a module here that returns a
:class:`Calibration`, reusing the checks, the PyMC model builder, ``nuts.sample`` and ``nuts.diagnose``.
"""

from flopcast.analysis.calibration.loo import leave_one_out
from flopcast.analysis.calibration.result import Calibration, CalibrationWarning
from flopcast.analysis.calibration.run import calibrate
from flopcast.analysis.observations import observe

__all__ = ["Calibration", "CalibrationWarning", "calibrate", "leave_one_out", "observe"]
