"""Simulating a model: plan the draws, run them on an engine, wrap them in a result.

:meth:`flopcast.Model.simulate` runs :func:`simulate`. The model layer does not import this module (the engine
and the results depend on the model, never the reverse): ``import flopcast`` hands :func:`simulate` to the model
layer once (:func:`flopcast.model.model.set_simulator`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, overload

from flopcast.design import make_plan
from flopcast.engine import (
    DEFAULT_CHUNK_SIZE,
    MAX_DRAWS,
    Engine,
    check_memory,
    check_runnable,
    chunk_bounds,
    collect_draws,
    resolve_engine,
)
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.result import Result, StreamedResult
from flopcast.validate import check_int, check_probability

if TYPE_CHECKING:
    import numpy as np

    from flopcast.model import Model

__all__ = ["resolve_keep", "simulate"]


def resolve_keep(model: Model, keep: Iterable[str] | None) -> tuple[str, ...]:
    """The quantities to keep (or to summarize): all by default; names are checked against the model."""
    if keep is None:
        return tuple(model.nodes)
    if isinstance(keep, bool):
        raise FlopcastTypeError(
            f"keep must be None or quantity names, got {keep}; to keep no draws and stream summaries, pass stream=True"
        )
    if not isinstance(keep, str) and not isinstance(keep, Iterable):
        raise FlopcastTypeError(f"keep must be None or an iterable of quantity names, got {type(keep).__name__}")
    names = model.check_names(keep, "quantity to keep")
    if not names:
        raise FlopcastValueError(
            "keep is empty; give the quantities to keep (default: all), or stream=True to keep no draws"
        )
    return tuple(dict.fromkeys(names))


@overload
def simulate(
    model: Model, n: int, *, seed: int | np.random.SeedSequence | None = ..., design: str = ...,
    keep: Iterable[str] | None = ..., stream: Literal[False] = ..., prob: float = ..., levels: Iterable[float] = ...,
    chunk_size: int | None = ..., engine: str | Engine | None = ..., workers: int | None = ...,
    progress: bool | None = ...,
) -> Result: ...  # fmt: skip


@overload
def simulate(
    model: Model, n: int, *, seed: int | np.random.SeedSequence | None = ..., design: str = ...,
    keep: Iterable[str] | None = ..., stream: Literal[True], prob: float = ..., levels: Iterable[float] = ...,
    chunk_size: int | None = ..., engine: str | Engine | None = ..., workers: int | None = ...,
    progress: bool | None = ...,
) -> StreamedResult: ...  # fmt: skip


@overload
def simulate(
    model: Model, n: int, *, seed: int | np.random.SeedSequence | None = ..., design: str = ...,
    keep: Iterable[str] | None = ..., stream: bool = ..., prob: float = ..., levels: Iterable[float] = ...,
    chunk_size: int | None = ..., engine: str | Engine | None = ..., workers: int | None = ...,
    progress: bool | None = ...,
) -> Result | StreamedResult: ...  # fmt: skip


def simulate(
    model: Model,
    n: int,
    *,
    seed: int | np.random.SeedSequence | None = None,
    design: str = "random",
    keep: Iterable[str] | None = None,
    stream: bool = False,
    prob: float = 0.9,
    levels: Iterable[float] = (),
    chunk_size: int | None = None,
    engine: str | Engine | None = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> Result | StreamedResult:
    """Simulate ``model``; see :meth:`flopcast.Model.simulate`.

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.simulation import simulate
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> type(simulate(m, 10, seed=0)).__name__, type(simulate(m, 10, seed=0, stream=True)).__name__
    ('Result', 'StreamedResult')
    """
    if isinstance(keep, str) and keep == "summary":
        warnings.warn(
            'keep="summary" is deprecated and will be removed in the next release; use stream=True '
            "(it summarizes every quantity, or those of keep=[...])",
            DeprecationWarning,
            stacklevel=3,
        )
        keep, stream = None, True
    check_runnable(model)
    n = check_int(n, "n", minimum=1)
    chunk = DEFAULT_CHUNK_SIZE if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1)
    names = resolve_keep(model, keep)
    if not stream:
        check_memory(model, n, names)
    n = check_int(n, "n", minimum=1, maximum=MAX_DRAWS)  # draws are numbered by 64-bit integers
    plan = make_plan(model, n, seed, design)
    runner = resolve_engine(engine, workers)
    if stream:
        from flopcast.engine.streamed import run_streamed

        prob = check_probability(prob, "prob")
        summaries = run_streamed(model, plan, names, chunk, runner, prob, levels, progress)
        return StreamedResult(model, summaries, plan=plan, engine=runner.name, prob=prob)
    return Result(model, collect_draws(model, plan, names, chunk_bounds(n, chunk), runner, progress),
                  plan=plan, engine=runner.name)  # fmt: skip
