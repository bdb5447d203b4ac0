"""The local engine: chunks in sequence in this process, or in a pool of worker processes across cores.

The pool is written here rather than taken from :class:`concurrent.futures.ProcessPoolExecutor` because of how a
run must end on Ctrl-C. The executor reads every worker's results from one shared pipe, in a background thread
that Python joins at exit. A worker stopped while it writes a large result leaves half a message in that pipe:
the thread then waits for the rest forever, and the interrupted program never exits (about one Ctrl-C in fifteen
on long streamed runs). Here each worker has its own pipe, read only by the thread that called ``map``; a worker
that dies closes its pipe, nothing runs in the background, and no process outlives ``map``.
"""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flopcast.engine.base import Consume, Task
from flopcast.validate import check_int

if TYPE_CHECKING:
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["LocalEngine"]

#: Chunks queued per worker: one computing, one waiting, so that a worker never idles while its result is read,
#: and results never pile up in memory.
IN_FLIGHT = 2


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
        import cloudpickle

        blob = cloudpickle.dumps((task, payload))
        pool = _Pool()
        try:
            pool.start(min(self.workers, len(bounds)), blob)
            pool.run(bounds, consume)
        except BaseException:
            # Ctrl-C or an error: stop the workers now rather than wait for the chunks they are computing.
            pool.stop()
            raise
        pool.close()


class _Pool:
    """Worker processes, each with its own pipe: ranges go down, results (or the task's error) come back."""

    def __init__(self) -> None:
        self.processes: list[BaseProcess] = []
        self.pipes: list[Connection] = []

    def start(self, workers: int, blob: bytes) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        for _ in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, blob), name="flopcast-worker")
            self.processes.append(process)
            self.pipes.append(ours)
            process.start()
            theirs.close()  # the worker's end lives in the worker only: its death reads as end of file here

    def run(self, bounds: Sequence[tuple[int, int]], consume: Consume) -> None:
        from multiprocessing.connection import wait

        todo = iter(bounds)
        queued: list[deque[tuple[int, int]]] = [deque() for _ in self.pipes]

        def feed(worker: int) -> None:
            nxt = next(todo, None)
            if nxt is not None:
                try:
                    self.pipes[worker].send(nxt)
                except OSError:
                    raise self._died(worker, nxt) from None
                queued[worker].append(nxt)

        for worker in range(len(self.pipes)):
            for _ in range(IN_FLIGHT):
                feed(worker)
        while any(queued):
            busy = [w for w in range(len(self.pipes)) if queued[w]]
            ready = wait([self.pipes[w] for w in busy] + [self.processes[w].sentinel for w in busy])
            for worker in busy:
                pipe, process = self.pipes[worker], self.processes[worker]
                if pipe in ready or (process.sentinel in ready and pipe.poll()):
                    reply = self._receive(worker, queued[worker][0])
                    start, stop = queued[worker].popleft()
                    consume(start, stop, reply)
                    feed(worker)
                elif process.sentinel in ready:
                    raise self._died(worker, queued[worker][0])

    def _receive(self, worker: int, bounds: tuple[int, int]) -> Any:
        try:
            kind, value, text = self.pipes[worker].recv()
        except (EOFError, OSError):  # end of file, or "connection reset" when it died with work still queued
            raise self._died(worker, bounds) from None
        if kind == "ok":
            return value
        raise _rebuild(value, text)

    def _died(self, worker: int, bounds: tuple[int, int]) -> BrokenProcessPool:
        from concurrent.futures.process import BrokenProcessPool  # the error a pool user already knows

        process = self.processes[worker]
        process.join(1.0)
        return BrokenProcessPool(
            f"a worker process ended (exit code {process.exitcode}) with draws {bounds[0]:,} to {bounds[1]:,} "
            "unfinished. If it printed an error, it is above. In a script, the run must be under "
            '`if __name__ == "__main__":`: worker processes import the script that started them.'
        )

    def close(self) -> None:
        """Tell every worker to finish, then reap them."""
        for pipe in self.pipes:
            try:
                pipe.send(None)
            except OSError:
                pass  # that worker has already ended
        self._reap(terminate=False)

    def stop(self) -> None:
        """Terminate the workers now, whatever they are computing, and reap them."""
        self._reap(terminate=True)

    def _reap(self, *, terminate: bool, grace: float = 2.0) -> None:
        started = [process for process in self.processes if process.pid is not None]
        if terminate:
            for process in started:
                process.terminate()
        for process in started:
            process.join(grace)
            if process.is_alive():
                process.terminate()
                process.join(grace)
            if process.is_alive():  # pragma: no cover - a worker stuck in native code that ignores SIGTERM
                process.kill()
                process.join(grace)
        for pipe in self.pipes:
            pipe.close()


def _serve(pipe: Connection, blob: bytes) -> None:
    """A worker's life: load the task once, then run each range it is sent until told to stop."""
    import signal

    # Ctrl-C reaches every process of the terminal's group. Workers leave it to the parent, which stops them all.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import cloudpickle

    task, payload = cloudpickle.loads(blob)
    while True:
        try:
            job = pipe.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        try:
            reply: tuple[str, Any, str] = ("ok", task(payload, *job), "")
        except Exception as exc:  # the task's own error, raised again in the parent
            reply = ("error", _portable(exc), traceback.format_exc())
        try:
            pipe.send(reply)
        except (BrokenPipeError, ConnectionResetError):
            return  # the parent is gone
        except Exception as exc:  # a result that does not pickle
            pipe.send(("error", _portable(exc), traceback.format_exc()))


def _portable(exc: BaseException) -> bytes:
    """The error serialized with cloudpickle (classes defined in the user's script travel by value)."""
    import cloudpickle

    try:
        return bytes(cloudpickle.dumps(exc))
    except Exception:
        return bytes(cloudpickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}")))


class _RemoteTraceback(Exception):
    """The worker's traceback, attached as the cause of the error raised again in the parent."""

    def __str__(self) -> str:
        return str(self.args[0])


def _rebuild(blob: bytes, text: str) -> BaseException:
    import cloudpickle

    try:
        exc: BaseException = cloudpickle.loads(blob)
    except Exception:
        exc = RuntimeError(f"a worker's error could not be read back; it printed:\n{text}")
    exc.__cause__ = _RemoteTraceback(f'\n"""\n{text}"""')
    return exc
