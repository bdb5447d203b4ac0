"""The disk cache of Beta quantile tables: what is read back is bit for bit what is computed, and a bad cache
folder or file only costs the computation."""

import os
import subprocess
import sys

import numpy as np
import pytest

from flopcast import _disk_cache, _ppf_table
from flopcast._ppf_table import BetaPpfTable

SHAPES = [(2.0, 5.0), (0.7, 3.0), (30.0, 200.0)]
U = np.concatenate([np.linspace(0.0, 1.0, 20_001), [1e-300, 1e-20, 2.0**-52, 1 - 2.0**-52, 0.5 + 1e-17]])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLOPCAST_CACHE_DIR", str(folder))
    _disk_cache.cache_folder.cache_clear()
    yield folder
    _disk_cache.cache_folder.cache_clear()


def _files(folder):
    return sorted((folder / "beta-ppf").glob("*.npz")) if (folder / "beta-ppf").exists() else []


def _computed(alpha, beta, monkeypatch):
    with monkeypatch.context() as mp:
        mp.setenv("FLOPCAST_CACHE_DIR", "")
        _disk_cache.cache_folder.cache_clear()
        table = BetaPpfTable(alpha, beta)
    _disk_cache.cache_folder.cache_clear()
    return table


@pytest.mark.parametrize(("alpha", "beta"), SHAPES)
def test_tables_read_back_are_the_tables_computed_bit_for_bit(cache, monkeypatch, alpha, beta):
    reference = _computed(alpha, beta, monkeypatch)
    first = BetaPpfTable(alpha, beta)  # computed and stored
    assert len(_files(cache)) == 1
    calls = []
    monkeypatch.setattr(_ppf_table, "_centre_table", lambda *a: calls.append(a))
    again = BetaPpfTable(alpha, beta)  # read back: nothing computed
    assert calls == []
    for part in ("centre", "lower", "upper"):
        stored, computed = getattr(again, part), getattr(reference, part)
        assert (stored is None) == (computed is None)
        if computed is not None:
            assert (stored.t0, stored.t1) == (computed.t0, computed.t1)
            np.testing.assert_array_equal(stored.coef, computed.coef)
    np.testing.assert_array_equal(again(U.copy()), reference(U.copy()))
    np.testing.assert_array_equal(first(U.copy()), reference(U.copy()))


def test_each_shape_and_each_version_of_the_code_has_its_own_file(cache, monkeypatch):
    BetaPpfTable(2.0, 5.0)
    BetaPpfTable(5.0, 2.0)
    BetaPpfTable(2.0, np.nextafter(5.0, 6.0))
    assert len(_files(cache)) == 3
    monkeypatch.setattr(_ppf_table, "_source_digest", lambda: "another version of the code")
    BetaPpfTable(2.0, 5.0)
    assert len(_files(cache)) == 4


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a zip file", "truncate", "wrong shape"],
    ids=["empty", "garbage", "truncated", "wrong-shape"],
)
def test_a_damaged_file_is_computed_again_and_replaced(cache, monkeypatch, damage):
    BetaPpfTable(2.0, 5.0)
    (path,) = _files(cache)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "wrong shape":
        np.savez(path, centre=np.zeros((10, 4)), centre_range=np.array([0.0, 1.0]))
    else:
        path.write_bytes(damage)
    table = BetaPpfTable(2.0, 5.0)
    np.testing.assert_array_equal(table(U.copy()), _computed(2.0, 5.0, monkeypatch)(U.copy()))
    assert _disk_cache.load("beta-ppf", path.stem)["centre"].shape == (_ppf_table._N_INTERVALS, 4)


def test_a_folder_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("the cache folder would have to be inside this file")
    monkeypatch.setenv("FLOPCAST_CACHE_DIR", str(blocker / "cache"))
    _disk_cache.cache_folder.cache_clear()
    try:
        table = BetaPpfTable(2.0, 5.0)
    finally:
        _disk_cache.cache_folder.cache_clear()
    np.testing.assert_array_equal(table(U.copy()), _computed(2.0, 5.0, monkeypatch)(U.copy()))


def test_an_empty_variable_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOPCAST_CACHE_DIR", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _disk_cache.cache_folder.cache_clear()
    try:
        assert _disk_cache.cache_folder() is None
        BetaPpfTable(2.0, 5.0)
    finally:
        _disk_cache.cache_folder.cache_clear()
    assert list(tmp_path.rglob("*.npz")) == []


def test_seeded_draws_are_the_same_from_a_cold_and_a_warm_cache(tmp_path):
    code = (
        "import sys, numpy as np, flopcast as fc\n"
        "m = fc.Model('m'); m.assume('x', fc.beta(mean=0.4, sd=0.05)); m.assume('y', fc.pert(1, 2, 9))\n"
        "r = m.simulate(50_000, seed=11)\n"
        "sys.stdout.write(np.concatenate([r['x'], r['y']]).tobytes().hex())\n"
    )
    env = {**os.environ, "FLOPCAST_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]  # fmt: skip
    off = subprocess.run([sys.executable, "-c", code], env={**env, "FLOPCAST_CACHE_DIR": ""}, capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert list((tmp_path / "cache" / "beta-ppf").glob("*.npz"))  # the first run stored, the second read back
    assert runs[0].stdout == runs[1].stdout == off.stdout
