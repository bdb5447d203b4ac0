"""Probability distributions of uncertain assumptions.

Every family is a frozen dataclass (immutability for free) deriving from :class:`Distribution`, whose
``__eq__`` and ``__hash__`` compare two distributions by their parameters (a bool) while ``dist == 2`` builds a
lazy per-draw comparison, as ``dist < 2`` does. Each family declares the constraints of its parameters in
``arg_constraints`` (numpyro style); one generic loop in :meth:`Distribution.__post_init__`
validates and converts them, and ``_check_relations`` checks relations between parameters
(``lower < upper``, ``lower <= mode <= upper``, ...).

All methods are vectorized over numpy arrays. ``sample`` has the prefix property: the first
``m`` draws of ``sample(rng, M)`` equal ``sample(rng', m)`` for a generator ``rng'`` in the
same state. Depends on numpy and scipy.special only at import time.
"""

from flopcast.distributions.adapters import ScipyDistribution, as_distribution
from flopcast.distributions.base import Array, Distribution
from flopcast.distributions.composite import Mixture, Truncated
from flopcast.distributions.discrete import Choice
from flopcast.distributions.families import PERT, Beta, LogNormal, LogUniform, Normal, Point, Triangular, Uniform

__all__ = [
    "PERT",
    "Array",
    "Beta",
    "Choice",
    "Distribution",
    "LogNormal",
    "LogUniform",
    "Mixture",
    "Normal",
    "Point",
    "ScipyDistribution",
    "Triangular",
    "Truncated",
    "Uniform",
    "as_distribution",
]
