"""Ctrl-C during a run with worker processes stops every process of the run within seconds, leaving none behind.

Each trial runs a script in its own process group and sends SIGINT to the whole group, as a terminal does on
Ctrl-C, at a random moment of a long run (3e8 draws); then it waits for the script to exit and checks that no
process of the group survives. Linux only (processes are found in /proc).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

#: Seconds from Ctrl-C to the end of the script. Measured: about 0.2 s with a process pool (1 s on a loaded 2-core
#: machine), about 5 s with a Dask LocalCluster (closing the cluster); the run itself would take minutes. The
#: bounds leave room for a machine running several test suites at once.
EXIT_BOUND = {"pool": 20.0, "dask": 30.0}

#: Put before every script: on SIGUSR1 it prints every thread's stack, which the test shows if the script hangs.
DIAGNOSE = "import faulthandler, signal\nfaulthandler.register(signal.SIGUSR1, all_threads=True)\n"

MODEL = textwrap.dedent(
    """
    import flopcast as fc

    def build():
        m = fc.Model("big")
        m.assume("a", fc.lognormal(1, 100))
        m.assume("b", fc.uniform(1, 2))

        @m.derive
        def c(a, b):
            return a * b

        return m
    """
)

SCRIPTS = {
    "pool": MODEL
    + textwrap.dedent(
        """
        if __name__ == "__main__":
            m = build()
            print("running", flush=True)
            m.simulate(3 * 10**8, seed=1, stream=True, workers=2)
        """
    ),
    # Workers that spend most of their time writing large results: Ctrl-C stops them in the middle of a message.
    "big results": textwrap.dedent(
        """
        import numpy as np

        from flopcast.engine import LocalEngine

        def task(payload, start, stop):
            return np.ones(2**23)  # 64 MB per range

        if __name__ == "__main__":
            print("running", flush=True)
            LocalEngine(workers=2).map(task, None, [(i, i + 1) for i in range(10**6)], lambda *args: None)
        """
    ),
    "dask": MODEL
    + textwrap.dedent(
        """
        if __name__ == "__main__":
            from dask.distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            with Client(cluster):
                m = build()
                print("running", flush=True)
                m.simulate(3 * 10**8, seed=1, stream=True, engine="dask")
        """
    ),
}


#: A model whose chunks take long (as when a derived quantity calls an external simulator), interrupted the way
#: Jupyter's "interrupt kernel" does: SIGINT to the main process only, not to its workers.
SLOW_CHUNKS = textwrap.dedent(
    """
    import time

    import numpy as np

    import flopcast as fc

    def build():
        m = fc.Model("slow")
        m.assume("a", fc.uniform(0, 1))

        @m.derive
        def b(a):
            time.sleep(np.size(a) / 2**16 * 60)  # 60 s per chunk of 65,536 draws: longer than the bound
            return a * 2

        return m

    if __name__ == "__main__":
        m = build()
        print("running", flush=True)
        m.simulate(2**20, seed=1, workers=2)
    """
)


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(group) == pgid and state != "Z":
            members.append(int(entry))
    return members


def interrupt_trial(
    script: Path, delay: float, bound: float, *, whole_group: bool = True
) -> tuple[float | None, list[int], int, str]:
    """Run ``script``, Ctrl-C its group (or its main process) ``delay`` s after its workers are up.

    Returns the seconds it took to exit (None: not within ``bound``), the processes left, the workers seen and
    the end of what the script printed on stderr (with its threads' stacks if it hung).
    """
    script.write_text(DIAGNOSE + script.read_text())
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # A test runner started in the background may ignore SIGINT, and children inherit that: restore it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - a plain test
    )
    pgid = proc.pid
    errors: list[bytes] = []
    # Drain stderr all along: a full pipe would block the script and look like a hang.
    reader = threading.Thread(target=lambda: errors.extend(iter(lambda: proc.stderr.read(4096), b"")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        if first != b"running":
            proc.wait(timeout=60)
            reader.join(10)
            pytest.fail(f"the script did not start: {b''.join(errors).decode()[-2000:]}")
        start = time.monotonic()
        while len(group_members(pgid)) < 3 and time.monotonic() - start < 120:
            time.sleep(0.05)  # the parent and at least two workers
        workers = len(group_members(pgid)) - 1
        time.sleep(delay)
        if whole_group:
            os.killpg(pgid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        sent = time.monotonic()
        try:
            proc.wait(timeout=bound)
            took: float | None = time.monotonic() - sent
        except subprocess.TimeoutExpired:
            took = None
            os.kill(proc.pid, signal.SIGUSR1)  # its stacks, for the failure message
            time.sleep(1)
        deadline = time.monotonic() + 5
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)  # children notice their parent is gone
        return took, group_members(pgid), workers, _tail(errors, reader, pgid)
    finally:
        if group_members(pgid):
            os.killpg(pgid, signal.SIGKILL)
        proc.communicate(timeout=60)


def _tail(errors: list[bytes], reader: threading.Thread, pgid: int) -> str:
    if group_members(pgid):
        os.killpg(pgid, signal.SIGKILL)
    reader.join(10)
    return b"".join(errors).decode(errors="replace")[-6000:]


#: Trials at random moments. A pool that reads results in a background thread hung on about one Ctrl-C in fifteen
#: (a worker stopped in the middle of writing its result); these trials make such a rare hang visible.
POOL_TRIALS = [("pool", trial) for trial in range(5)] + [("big results", trial) for trial in range(2)]


@pytest.mark.parametrize(("kind", "trial"), POOL_TRIALS, ids=[f"{kind}-{trial}" for kind, trial in POOL_TRIALS])
def test_ctrl_c_stops_a_process_pool_run_and_its_workers(tmp_path: Path, kind: str, trial: int):
    script = tmp_path / "pool_run.py"
    script.write_text(SCRIPTS[kind])
    delay = random.Random(trial).uniform(0.2, 3.0)
    took, survivors, workers, stderr = interrupt_trial(script, delay, EXIT_BOUND["pool"])
    assert workers >= 2
    assert took is not None, f"still running {EXIT_BOUND['pool']} s after Ctrl-C; it printed:\n{stderr}"
    assert survivors == [], f"processes left behind: {survivors}"


def test_interrupting_the_main_process_stops_workers_in_the_middle_of_long_chunks(tmp_path: Path):
    script = tmp_path / "slow_run.py"
    script.write_text(SLOW_CHUNKS)
    took, survivors, workers, stderr = interrupt_trial(script, 2.0, EXIT_BOUND["pool"], whole_group=False)
    assert workers >= 2
    assert took is not None, f"still running {EXIT_BOUND['pool']} s after the interrupt; it printed:\n{stderr}"
    assert survivors == [], f"processes left behind: {survivors}"


def test_ctrl_c_stops_a_dask_run_and_its_cluster(tmp_path: Path):
    pytest.importorskip("distributed")
    script = tmp_path / "dask_run.py"
    script.write_text(SCRIPTS["dask"])
    took, survivors, workers, stderr = interrupt_trial(script, 1.5, EXIT_BOUND["dask"])
    assert workers >= 2
    assert took is not None, f"still running {EXIT_BOUND['dask']} s after Ctrl-C; it printed:\n{stderr}"
    assert survivors == [], f"processes left behind: {survivors}"
