"""The fitted video-latency model: a hierarchy of per-model utilizations, stored in the catalog as data.

:func:`utilization_hierarchy` declares that each open video model has its own utilization, drawn from a
population whose centre and spread are uncertain; :func:`fit` calibrates :func:`~flopcast.catalog.video_latency.
video_latency` on the shipped latencies with it (NUTS, a minute or more). The built-in models are built often (the
model list, reports, the command, the Sora refined model), so they do not refit: :func:`write_fit` stores a
thinned set of joint posterior draws, with the utilization of a **new** model (a new draw from the population),
in ``catalog/data/video_latency_fit.json`` with its provenance (the data file's SHA-256, sampler settings and
diagnostics), and :func:`stored_fit` reads it. Regenerate it with ``python examples/calibrate_video_latency.py
--write-fit`` whenever the observations change; a test fails when the data's hash and the stored one differ.

:func:`predict_latency` predicts a model that is not in the data from its published configuration
(:func:`~flopcast.catalog.video_latency.latency_settings`), with the stored joint draws: ``flopcast latency``.

Examples
--------
>>> p = predict_latency({"params": 14e9, "width": 5120, "layers": 40, "resolution": "1280x720", "frames": 81,
...                      "steps": 50, "cfg_passes": 2, "vae": "4x8x8", "patch_size": 2}, seed=1)
>>> 600 < p.lower < p.median < p.upper < 6000
True
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.analysis.calibration.hierarchical import Varies, varies
from flopcast.catalog.video_latency import latency_observations, latency_settings, video_latency
from flopcast.constructors import truncated
from flopcast.distributions import Distribution, LogNormal, Normal
from flopcast.errors import FlopcastValueError
from flopcast.model import Model
from flopcast.validate import check_int, check_probability

if TYPE_CHECKING:
    import pandas as pd

    from flopcast.analysis.calibration.hierarchical import HierarchicalCalibration

__all__ = [
    "FIT_FILE",
    "LatencyPrediction",
    "data_sha256",
    "fit",
    "fit_record",
    "loo_record",
    "new_model_utilization",
    "predict_latency",
    "stored_fit",
    "stored_latency_model",
    "utilization_hierarchy",
    "write_fit",
]

FIT_FILE = "video_latency_fit.json"
LOO_SETTINGS = (
    "flopcast.leave_one_out(video_latency(), latency_observations(), method='nuts', n=1000, seed=3, chains=2, "
    "tune=500[, hierarchy=utilization_hierarchy()])"
)
"""How the stored leave-one-model-out tables were computed (examples/calibrate_video_latency.py --loo)."""
STORED_DRAWS = 1000
"""Joint posterior draws kept in the stored fit (thinned evenly from all chains)."""


def utilization_hierarchy() -> Varies:
    """Each model's utilization, lognormal around a population centre: the declaration :func:`fit` uses.

    Examples
    --------
    >>> h = utilization_hierarchy()
    >>> h.name, h.link
    ('utilization', 'log')
    """
    return varies(
        "utilization",
        location=Normal(math.log(0.4), 0.5),
        scale=truncated(Normal(0.0, 0.5), lower=0.0),
        link="log",
        source="centre: tuned transformer workloads reach 0.3-0.6 model-FLOP utilization on H100s (Llama 3 "
        "training 38-43%), a 90% prior of 0.18-0.91 around 0.4; spread (sd of log utilization between models): "
        "half-normal of scale 0.5, since implementations of one model differ by up to about 2x (CogVideoX-5B "
        "90 s in its README, 124 s with Diffusers defaults)",
    )


def fit(n: int = 2000, seed: int = 1, *, chains: int = 2, tune: int = 1000, **kwargs: Any) -> HierarchicalCalibration:
    """Calibrate the video-latency model on the shipped single-H100 latencies, utilization varying by model.

    Parameters
    ----------
    n, seed, chains, tune, **kwargs
        As for :func:`flopcast.calibrate` with ``method="nuts"``.
    """
    from flopcast.analysis.calibration import calibrate
    from flopcast.analysis.calibration.hierarchical import HierarchicalCalibration

    cal = calibrate(video_latency(), latency_observations(), method="nuts", n=n, seed=seed, chains=chains,
                    tune=tune, hierarchy=utilization_hierarchy(), **kwargs)  # fmt: skip
    assert isinstance(cal, HierarchicalCalibration)
    return cal


def data_sha256() -> str:
    """SHA-256 of the shipped observations file (what a stored fit was computed from)."""
    data = resources.files("flopcast.catalog").joinpath("data", "observations.csv").read_bytes()
    return hashlib.sha256(data).hexdigest()


def fit_record(cal: HierarchicalCalibration, draws: int = STORED_DRAWS, seed: int = 0) -> dict[str, Any]:
    """What :func:`write_fit` stores: provenance and thinned joint draws, utilization for a new model.

    The draws keep, row by row, the shared unknowns and the utilization of a new model (a new draw from the
    population at the same posterior draw), so their dependence is kept.
    """
    from flopcast.version import __version__

    draws = check_int(draws, "draws", minimum=10)
    rows = np.linspace(0, cal.n - 1, min(draws, cal.n)).round().astype(int)
    table = {k: v for k, v in cal.draws.items() if "__" not in k}
    table["utilization"] = cal.new_group("utilization", seed=seed)
    pop = cal.population("utilization")
    return {
        "what": "joint posterior draws of the video-latency model's unknowns; 'utilization' is a new model's (a new "
        "draw from the population of per-model utilizations)",
        "model": cal.prior_model.name,
        "observations": len(cal.observations),
        "models": list(cal.groups["utilization"]),
        "data_sha256": data_sha256(),
        "method": "NUTS (PyMC), non-centred hierarchy: log utilization_g = location + scale z_g",
        "hierarchy_source": cal.hierarchy[0].source,
        "sampler": {k: cal.diagnostics[k] for k in ("chains", "draws", "divergences", "max_r_hat", "min_ess")},
        "seed": str(cal.seed.entropy) if cal.seed is not None else None,
        "population": {
            key: [float(v) for v in stats.quantiles(value, [0.05, 0.5, 0.95])] for key, value in pop.items()
        },
        "flopcast_version": __version__,
        "regenerate": "python examples/calibrate_video_latency.py --write-fit",
        "draws": {k: [float(f"{x:.6g}") for x in v[rows]] for k, v in table.items()},
    }


def loo_record(table: pd.DataFrame) -> dict[str, Any]:
    """A leave-one-model-out table (:func:`flopcast.leave_one_out`) as stored data, with its summary numbers."""
    rows = [
        {"model": r.subject, "measured_s": float(r.observed), "median_s": float(r.predicted_median),
         "lower_s": float(r.predicted_lower), "upper_s": float(r.predicted_upper), "inside": bool(r.covered)}
        for r in table.itertuples()
    ]  # fmt: skip
    ratio = table["predicted_upper"] / table["predicted_lower"]
    error = np.abs(np.log(table["predicted_median"] / table["observed"]))
    return {
        "coverage": float(table["covered"].mean()),
        "median_width": float(np.median(ratio)),
        "mean_abs_log_error": float(np.mean(error)),
        "rows": rows,
    }


def write_fit(cal: HierarchicalCalibration, path: str | Path, loo: Mapping[str, pd.DataFrame] | None = None) -> None:
    """Write :func:`fit_record` as JSON (to ``src/flopcast/catalog/data/video_latency_fit.json`` to ship it).

    ``loo`` maps a name (``"pooled"``, ``"hierarchy"``) to a leave-one-model-out table, stored with the fit.
    """
    record = fit_record(cal)
    if loo:
        record["leave_one_model_out"] = {name: loo_record(table) for name, table in loo.items()}
        record["leave_one_model_out_settings"] = LOO_SETTINGS
    Path(path).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


@functools.cache
def stored_fit() -> dict[str, Any]:
    """The stored fit (read once per process).

    Examples
    --------
    >>> f = stored_fit()
    >>> f["observations"], len(f["models"]), sorted(f["draws"])[-1]
    (18, 9, 'vae_utilization')
    """
    text = resources.files("flopcast.catalog").joinpath("data", FIT_FILE).read_text(encoding="utf-8")
    return dict(json.loads(text))


def _source() -> str:
    f = stored_fit()
    return (
        f"hierarchical calibration of the video-latency model on {f['observations']} single-H100 latencies of "
        f"{len(f['models'])} open video models (flopcast catalog/data/{FIT_FILE}): the population's prediction for "
        "a new model"
    )


def new_model_utilization() -> tuple[Distribution, str]:
    """The utilization of a video model not in the data, as a lognormal through the stored 5% and 95% quantiles.

    Returns
    -------
    (Distribution, str)
        The distribution and its source (for an assumption's ``source=``).

    Examples
    --------
    >>> dist, source = new_model_utilization()
    >>> lo, hi = dist.interval(0.9)
    >>> 0.1 < lo < 0.5 < hi < 1.5, source.startswith("hierarchical calibration")
    (True, True)
    """
    u = np.asarray(stored_fit()["draws"]["utilization"], dtype=float)
    lo, hi = (float(v) for v in stats.quantiles(u, [0.05, 0.95]))
    mu, sigma = (math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * 1.6448536269514722)
    return LogNormal(mu, sigma), _source()


def stored_latency_model(config: Mapping[str, Any] | None = None) -> Model:
    """:func:`~flopcast.catalog.video_latency.video_latency` with the stored fit: a new model's utilization.

    Parameters
    ----------
    config : mapping, optional
        A model's configuration and run settings (:func:`~flopcast.catalog.video_latency.latency_settings`);
        default Wan2.1-T2V-14B at 1280x720, 81 frames on an H100.
    """
    model = video_latency()
    if config is not None:
        model = model.replace(**latency_settings(config))
    draws = {k: np.asarray(v, dtype=float) for k, v in stored_fit()["draws"].items()}
    return model.with_joint_draws(draws, source=_source())


@dataclass(frozen=True)
class LatencyPrediction:
    """Predicted seconds per clip: median and equal-tailed interval of mass ``prob``."""

    median: float
    lower: float
    upper: float
    prob: float
    settings: dict[str, float]

    def __str__(self) -> str:
        from flopcast.formatting import row

        median, spread = row([self.median, (self.lower, self.upper)])
        return f"{median} s per clip (median), {self.prob:.0%} interval {spread} s"


def predict_latency(
    config: Mapping[str, Any], *, n: int = 20_000, seed: int | None = 0, prob: float = 0.9
) -> LatencyPrediction:
    """Predict the latency of a video model on one GPU from its published configuration.

    The model's own utilization is unknown: it is a new draw from the population fitted on the open models
    (:func:`stored_fit`), so the interval carries the spread between models.

    Parameters
    ----------
    config : mapping
        The keys of :data:`~flopcast.catalog.video_latency.CONFIG_KEYS`.
    n : int, default 20,000
        Monte Carlo draws.
    seed : int, optional
    prob : float, default 0.9

    Returns
    -------
    LatencyPrediction
    """
    n = check_int(n, "n", minimum=100)
    prob = check_probability(prob, "prob")
    settings = latency_settings(config)
    res = stored_latency_model(config).simulate(n, seed=seed, keep=["latency_s"])
    draws = np.asarray(res["latency_s"], dtype=float)
    if not np.all(np.isfinite(draws)):
        raise FlopcastValueError("predict_latency(): the configuration gives non-finite latencies")
    med, lo, hi = (float(v) for v in stats.quantiles(draws, [0.5, (1 - prob) / 2, (1 + prob) / 2]))
    return LatencyPrediction(med, lo, hi, prob, settings)
