"""What every calibration method checks first: the observations, and which assumptions they calibrate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flopcast.analysis.observations import Observation, inputs_of
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model import Model

__all__ = ["calibrated_names", "check_observations", "unique_labels"]


def check_observations(model: Model, observations: Any) -> tuple[Observation, ...]:
    """The observations as a tuple, each made by ``observe`` and naming quantities of the model."""
    if isinstance(observations, Observation):
        observations = [observations]
    if isinstance(observations, str) or not isinstance(observations, Iterable):
        raise FlopcastTypeError(f"calibrate(): observations must be a list of fc.observe(...), got {observations!r}")
    out = tuple(observations)
    if not out:
        raise FlopcastValueError("calibrate(): no observations; give at least one fc.observe(...)")
    for obs in out:
        if not isinstance(obs, Observation):
            raise FlopcastTypeError(
                f"calibrate(): observations must be made by fc.observe(...), got {type(obs).__name__}"
            )
        if obs.quantity not in model:
            raise FlopcastValueError(f"calibrate(): observed {model.unknown_message(obs.quantity)}")
        for key in obs.given:
            if key not in model:
                raise FlopcastValueError(
                    f"calibrate(): the observation of {obs.quantity!r} has a given value for "
                    f"{model.unknown_message(key)}"
                )
    return out


def calibrated_names(model: Model, observations: Sequence[Observation]) -> tuple[str, ...]:
    """Uncertain assumptions the observations depend on, with whole correlated groups, in model order."""
    names = {n for obs in observations for n in inputs_of(model, obs)}
    if not names:
        raise FlopcastValueError(
            "calibrate(): no observation depends on an uncertain assumption (each observed quantity is fixed by the "
            "model's point values or by its given values): there is nothing to calibrate"
        )
    for corr in model.correlations:
        if names & set(corr.names):
            names |= set(corr.names)
    return tuple(n for n in model.uncertain if n in names)


def unique_labels(observations: Sequence[Observation]) -> list[str]:
    """One label per observation, numbered where two observations share one."""
    labels: list[str] = []
    for obs in observations:
        label, k = obs.label, 2
        while label in labels:
            label, k = f"{obs.label} #{k}", k + 1
        labels.append(label)
    return labels
