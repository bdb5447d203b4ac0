"""The local engine: chunks in sequence in this process, or in a pool of worker processes across cores."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from flopcast.engine.base import Consume, Task
from flopcast.validate import check_int

__all__ = ["LocalEngine"]

# Set in each worker process by _init_worker: the task and the payload, deserialized once per worker.
_WORKER: dict[str, Any] = {}


def _init_worker(blob: bytes) -> None:
    import signal

    import cloudpickle

    # Ctrl-C reaches every process of the terminal's group. Workers leave it to the parent, which stops them
    # all (a worker dying on its own, mid-task, can leave the pool waiting for a result that never comes).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["task"], _WORKER["payload"] = cloudpickle.loads(blob)


def _run_in_worker(start: int, stop: int) -> Any:
    return _WORKER["task"](_WORKER["payload"], start, stop)


class LocalEngine:
    """Run chunks in this process (``workers=1``) or in a pool of ``workers`` processes.

    Workers are started with the ``spawn`` method (safe with threads, the same on every platform) and receive the
    model once, serialized with cloudpickle so that derived functions defined in notebooks or closures travel
    too. Draws do not depend on the number of workers: every chunk regenerates its own range of the run.

    Parameters
    ----------
    workers : int, default 1
        Number of processes. Each holds at most two chunks of work at a time.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.normal(mean=0, sd=1))
    >>> res = m.simulate(1000, seed=0, engine=fc.LocalEngine())
    >>> res.n
    1000
    """

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        self.workers = check_int(workers, "workers", "LocalEngine", minimum=1)

    def __repr__(self) -> str:
        return f"LocalEngine(workers={self.workers})"

    def map(self, task: Task, payload: Any, bounds: Sequence[tuple[int, int]], consume: Consume) -> None:
        """Run ``task(payload, start, stop)`` on every range and hand each result to ``consume``."""
        if self.workers == 1 or len(bounds) < 2:
            for start, stop in bounds:
                consume(start, stop, task(payload, start, stop))
            return
        import multiprocessing

        import cloudpickle

        blob = cloudpickle.dumps((task, payload))
        context = multiprocessing.get_context("spawn")
        pending: dict[Future[Any], tuple[int, int]] = {}
        todo = iter(bounds)
        pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker, initargs=(blob,))
        try:
            # Keep at most two chunks per worker in flight so that results never pile up in memory.
            for start, stop in todo:
                pending[pool.submit(_run_in_worker, start, stop)] = (start, stop)
                if len(pending) >= 2 * self.workers:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    start, stop = pending.pop(future)
                    consume(start, stop, future.result())
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending[pool.submit(_run_in_worker, *nxt)] = nxt
        except BaseException:
            # Ctrl-C or an error: stop the workers now rather than wait for the chunks they are computing.
            _stop(pool)
            raise
        pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor, grace: float = 2.0) -> None:
    """Cancel what is queued, terminate the worker processes and reap them (killed if they do not end)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():  # pragma: no cover - a worker stuck in native code that ignores SIGTERM
            process.kill()
            process.join(grace)
