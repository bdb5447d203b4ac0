"""flopcast: probabilistic compute forecasting.

Declare uncertain assumptions (distributions with units and sources) and derived quantities (plain functions),
propagate them with a vectorized, reproducible Monte Carlo engine, and read credible intervals, sensitivity and
calibration from the draws.

Examples
--------
>>> import flopcast as fc
>>> m = fc.Model("gpu-days")
>>> _ = m.assume("train_flop", fc.lognormal(1e24, 1e25), unit="FLOP", source="a range of frontier runs")
>>> _ = m.assume("flop_per_gpu_s", fc.uniform(3e14, 5e14), unit="FLOP/s/GPU", source="H100 at 30-50% MFU")
>>> _ = m.assume("seconds_per_day", 86400, unit="s/day", source="definition")
>>> @m.derive(unit="GPU*day")
... def gpu_days(train_flop, flop_per_gpu_s, seconds_per_day):
...     return train_flop / flop_per_gpu_s / seconds_per_day
>>> res = m.simulate(10_000, seed=1)
>>> lo, hi = res.interval("gpu_days", prob=0.9)
>>> 2e4 < lo < hi < 4e5
True
"""

from flopcast import html, plots
from flopcast.analysis.calibration import Calibration, CalibrationWarning, calibrate, leave_one_out
from flopcast.analysis.calibration.hierarchical import HierarchicalCalibration, varies
from flopcast.analysis.observations import Observation, observe
from flopcast.analysis.sensitivity import elasticities, format_sensitivity, prcc, rank_correlations, sobol, tornado
from flopcast.assumption_files import read_assumptions, replace_from, write_assumptions
from flopcast.constructors import (
    beta,
    choice,
    lognormal,
    loguniform,
    mixture,
    normal,
    pert,
    point,
    triangular,
    truncated,
    uniform,
)
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
    ScipyDistribution,
    Triangular,
    Truncated,
    Uniform,
    as_distribution,
)
from flopcast.engine import LocalEngine
from flopcast.engine.dask import DaskEngine
from flopcast.expr import Expr, quantity, ref, set_model_builder, to
from flopcast.model import Assumption, Derived, Model
from flopcast.model.expressions import model_of
from flopcast.model.model import set_simulator
from flopcast.notebook import show
from flopcast.ops import exp, log, maximum, minimum, sqrt, where
from flopcast.presentation import Presentation, ReportSection
from flopcast.result import Comparison, Result, StreamedResult, compare
from flopcast.simulation import simulate as _simulate
from flopcast.sweep import sweep, sweep_effects
from flopcast.version import __version__ as __version__

# Model.simulate runs the engine; the model layer does not import it (the engine depends on the model).
set_simulator(_simulate)
# Expressions become models the same way: the expression layer sits below the model.
set_model_builder(model_of)

__all__ = [
    # distributions: constructors from what analysts know
    "beta",
    "choice",
    "lognormal",
    "loguniform",
    "mixture",
    "normal",
    "pert",
    "point",
    "triangular",
    "truncated",
    "uniform",
    # distributions: the families
    "PERT",
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
    # quick estimates: lazy arithmetic on distributions
    "Expr",
    "model_of",
    "quantity",
    "ref",
    "to",
    # assumption files (TOML)
    "read_assumptions",
    "replace_from",
    "write_assumptions",
    # the model graph
    "Assumption",
    "Derived",
    "Model",
    # how a model is shown: headline outputs, reference values, extra report sections
    "Presentation",
    "ReportSection",
    # math helpers for derived functions
    "exp",
    "log",
    "maximum",
    "minimum",
    "sqrt",
    "where",
    # running and results
    "Comparison",
    "DaskEngine",
    "LocalEngine",
    "Result",
    "StreamedResult",
    "compare",
    "sweep",
    "sweep_effects",
    # calibration: update the assumptions with what has been observed
    "Calibration",
    "CalibrationWarning",
    "HierarchicalCalibration",
    "Observation",
    "calibrate",
    "leave_one_out",
    "observe",
    "varies",
    # notebooks and figures (matplotlib is imported only when a plot is drawn); domain knowledge is in
    # flopcast.catalog
    "html",
    "show",
    "plots",
    # sensitivity: which assumptions drive each interval
    "elasticities",
    "format_sensitivity",
    "prcc",
    "rank_correlations",
    "sobol",
    "tornado",
]
