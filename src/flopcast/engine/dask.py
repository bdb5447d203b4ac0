"""The Dask engine: the same chunks as tasks on a ``dask.distributed`` cluster.

Dask schedules, retries and rebalances; flopcast only maps its chunk task over ranges of draws and merges the
results exactly as the local engine does, so the numbers are the same on a laptop and on a cluster. A worker that
dies mid-run is replaced and its chunks are recomputed; since each chunk regenerates its draws from the run's
seed, the result is unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from flopcast.engine.base import Consume, Task
from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = ["DaskEngine"]

#: Times a run may resend its chunks (on average) after Dask cancelled them, before it gives up.
MAX_RESENT = 3


def _require_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "the Dask engine needs dask.distributed: install it with pip install 'flopcast[dask]'"
        ) from exc
    return distributed


class DaskEngine:
    """Send chunks to a ``dask.distributed`` Client (the one given, or the current one).

    Parameters
    ----------
    client : distributed.Client, optional
        The client of the cluster to use. Default: the current client (``distributed.get_client()``).

    Examples
    --------
    Pointing flopcast at an existing cluster (not run here)::

        from dask.distributed import Client
        client = Client("tcp://scheduler:8786")
        res = model.simulate(10**8, seed=1, engine=fc.DaskEngine(client), stream=True)
    """

    name = "dask"

    def __init__(self, client: Any = None) -> None:
        distributed = _require_distributed()
        if client is not None and not isinstance(client, distributed.Client):
            raise FlopcastTypeError(
                f"DaskEngine: client must be a dask.distributed.Client, got {type(client).__name__}"
            )
        self._client = client

    def __repr__(self) -> str:
        return f"DaskEngine(client={self._client!r})"

    @property
    def client(self) -> Any:
        """The client in use, checked to be running."""
        distributed = _require_distributed()
        client = self._client
        if client is None:
            try:
                client = distributed.get_client()
            except ValueError as exc:
                raise FlopcastValueError(
                    "no Dask client is running: start one (from dask.distributed import Client; client = Client()) "
                    "or pass DaskEngine(client)"
                ) from exc
        if client.status in ("closing", "closed"):
            raise FlopcastValueError(f"the Dask client is {client.status}; connect a new Client before simulating")
        return client

    def map(self, task: Task, payload: Any, bounds: Sequence[tuple[int, int]], consume: Consume) -> None:
        """Run ``task(payload, start, stop)`` on the cluster for every range; results go to ``consume``."""
        distributed = _require_distributed()
        client = self.client
        shared = [client.scatter(payload, broadcast=True, hash=False)]
        # A window of chunks in flight, refilled as they finish: the chunks of a run of any size are never all
        # submitted (or listed) at once, and finished results never pile up.
        window = max(8, 4 * sum(client.nthreads().values()))
        todo = iter(bounds)
        pending: dict[Any, tuple[Any, tuple[int, int]]] = {}
        finished = distributed.as_completed(with_results=True)

        def submit(bound: tuple[int, int]) -> None:
            future = client.submit(task, shared[0], bound[0], bound[1], pure=False)
            pending[future.key] = (future, bound)
            finished.add(future)

        resent = 0
        try:
            for bound in itertools.islice(todo, window):
                submit(bound)
            for future, result in finished:
                _, (start, stop) = pending.pop(future.key)
                if future.status == "cancelled":
                    # The scheduler cancels the tasks whose input is gone: a worker that died can take the
                    # scattered payload with it. Scatter it again and rerun the range; its draws come from the
                    # run's seed, so the result is the same.
                    resent += 1
                    if resent > MAX_RESENT * len(bounds):
                        raise RuntimeError(f"Dask cancelled the chunk of draws {start:,} to {stop:,} again: {result}")
                    if any(f.status != "finished" for f in distributed.futures_of(shared[0])):
                        shared[0] = client.scatter(payload, broadcast=True, hash=False)
                    submit((start, stop))
                    continue
                consume(start, stop, result)
                following = next(todo, None)
                if following is not None:
                    submit(following)
        finally:
            client.cancel([future for future, _ in pending.values()])
