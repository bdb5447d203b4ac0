"""Runs at the limits: no quantities, more draws than memory holds, streamed runs of any n, odd arguments."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import flopcast as fc
from flopcast.errors import FlopcastError, FlopcastTypeError, FlopcastValueError

CLI = [sys.executable, "-m", "flopcast"]


def small() -> fc.Model:
    m = fc.Model("small")
    m.assume("a", fc.lognormal(1, 100))
    m.assume("b", fc.uniform(1, 2))

    @m.derive
    def c(a, b):
        return a * b

    return m


def run_limited(code: str, limit_bytes: int = 3 * 2**30, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python whose address space is capped: a runaway allocation fails fast there."""
    prelude = f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout
    )


# ---------------------------------------------------------------------------------------------- no quantities
@pytest.mark.parametrize("stream", [False, True])
def test_a_model_with_no_quantities_is_refused_clearly(stream):
    with pytest.raises(FlopcastValueError, match="'e' has no quantities"):
        fc.Model("e").simulate(10, stream=stream)


def test_report_of_a_model_with_no_quantities_is_refused(tmp_path: Path):
    from flopcast.report import write_report

    with pytest.raises(FlopcastValueError, match="no quantities"):
        write_report(fc.Model("e"), tmp_path / "rep", n=100)
    assert not (tmp_path / "rep").exists()
    model_file = tmp_path / "empty.py"
    model_file.write_text("import flopcast as fc\nm = fc.Model('e')\n")
    for command in ("report", "sensitivity"):
        proc = subprocess.run([*CLI, command, str(model_file)], capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            "flopcast: error: model 'e' has no quantities: add assumptions (model.assume(...)) and derived "
            "quantities (@model.derive) before simulating"
        ]


# ---------------------------------------------------------------------------------------------- odd arguments
@pytest.mark.parametrize("keep", [5, 2.5, object()])
def test_keep_of_the_wrong_type_names_keep(keep):
    with pytest.raises(FlopcastTypeError, match=f"keep must be .* got {type(keep).__name__}"):
        small().simulate(10, keep=keep)


@pytest.mark.parametrize("name", ["a\0b", "\0", "x\udcff"])
def test_model_names_that_cannot_be_written_are_refused(name):
    with pytest.raises(FlopcastValueError, match="model name"):
        fc.Model(name)


# ---------------------------------------------------------------------------------------------- memory
def test_more_draws_than_memory_holds_is_refused_before_allocating():
    proc = run_limited(
        """
        import flopcast as fc
        m = fc.Model("m")
        m.assume("a", fc.uniform(0, 1))
        try:
            m.simulate(2**63)
        except Exception as exc:  # the old code raised MemoryError or nothing
            print(type(exc).__name__, exc)
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert out.startswith("MemoryLimitError keeping 9,223,372,036,854,775,808 draws of 1 quantity needs"), out
    assert "simulate(n, stream=True)" in out


def test_the_limit_is_the_process_limit_and_counts_only_varying_quantities():
    # 10**8 draws of 2 varying quantities need 1.6 GB: too much under a 1 GiB cap, whatever the machine has.
    proc = run_limited(
        """
        import flopcast as fc
        m = fc.Model("m")
        m.assume("a", fc.uniform(0, 1))
        m.assume("k", 3.0)

        @m.derive
        def b(a, k):
            return a * k

        try:
            m.simulate(10**8)
        except Exception as exc:  # the old code raised MemoryError or nothing
            print(exc)
        """,
        limit_bytes=2**30,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "draws of 2 quantities needs 1.6 GB of memory and this machine has 1.07 GB" in proc.stdout


def test_memory_check_uses_the_machine_limit(monkeypatch: pytest.MonkeyPatch):
    import flopcast.engine as engine
    import flopcast.engine.limits as limits

    monkeypatch.setattr(limits, "memory_limit", lambda: 8 * 3 * 1000)  # room for 1000 draws of 3 quantities
    small().simulate(1000, seed=1)
    with pytest.raises(engine.MemoryLimitError, match="3,000 draws of 3 quantities needs 72 kB"):
        small().simulate(3000, seed=1)
    small().simulate(3000, seed=1, keep=["c"])  # one quantity fits
    assert small().simulate(10**5, seed=1, stream=True).n == 10**5  # streamed: no draw is kept


def test_streamed_runs_of_any_n_never_list_their_chunks():
    """A streamed run of 2**62 draws starts streaming at once, in bounded memory (the chunk list would be 2**46)."""
    proc = run_limited(
        """
        import flopcast as fc

        class Stop(Exception):
            pass

        class ThreeChunks:
            name = "test"
            calls = []

            def map(self, task, payload, bounds, consume):
                self.calls.append((type(bounds).__name__, len(bounds)))
                for i, (start, stop) in enumerate(bounds):
                    if len(self.calls) > 1 and i == 3:
                        raise Stop
                    consume(start, stop, task(payload, start, stop))

        m = fc.Model("m")
        m.assume("a", fc.lognormal(1, 100))
        engine = ThreeChunks()
        try:
            m.simulate(2**62, seed=1, stream=True, engine=engine)
        except Stop:
            print(engine.calls)
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    pilot, stream = eval(proc.stdout)  # noqa: S307 - our own output
    assert pilot[1] == 16  # the pilot: 2**20 draws in chunks of 2**16
    assert stream[0] != "list" and stream[1] == (2**62 - 2**20) // 2**16


def test_streamed_summaries_are_unchanged_by_the_order_chunks_arrive_in():
    """Chunk reductions are merged in chunk order whatever order the engine hands them back in."""

    class Reversed:
        name = "reversed"

        def map(self, task, payload, bounds, consume):
            for start, stop in reversed(list(bounds)):
                consume(start, stop, task(payload, start, stop))

    m = small()
    ordered = m.simulate(2**20 + 5 * 2**14, seed=3, stream=True, chunk_size=2**14)
    backwards = m.simulate(2**20 + 5 * 2**14, seed=3, stream=True, chunk_size=2**14, engine=Reversed())
    for name in ("a", "c"):
        assert backwards.summaries[name].moments == ordered.summaries[name].moments
        assert (backwards.summary().loc[name] == ordered.summary().loc[name]).all()


def test_errors_are_flopcast_errors():
    with pytest.raises(FlopcastError):
        small().simulate(0)
