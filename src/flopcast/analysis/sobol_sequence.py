"""The scrambled Sobol' sequence of :class:`scipy.stats.qmc.Sobol`, bit for bit, without importing ``scipy.stats``.

``import scipy.stats`` costs about 0.35 s of CPU (it builds the docstrings of a hundred distributions), more than
the whole Sobol' analysis of the default report. The sequence itself is small: Joe and Kuo's direction numbers
(the ``_sobol_direction_numbers.npz`` data file that scipy ships), a left linear matrix scramble and a digital
shift drawn from the generator, then Gray-code XORs. :class:`ScrambledSobol` does the same as scipy's engine
(``scramble=True``, the same draws from the same generator in the same order) with numpy, vectorised, so its
points are identical to scipy's; ``tests/analysis/test_sobol_sequence.py`` checks that for several dimensions,
sizes, seeds and continued sequences. When the data file cannot be found (another scipy layout),
:func:`sobol_engine` falls back to scipy's own engine: the points are the same either way.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ScrambledSobol", "sobol_engine"]


@functools.cache
def _direction_numbers() -> tuple[np.ndarray, np.ndarray] | None:
    """The ``poly`` and ``vinit`` arrays of scipy (Joe and Kuo's D(6) direction numbers), or None if not found."""
    spec = importlib.util.find_spec("scipy")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "stats" / "_sobol_direction_numbers.npz"
        if path.is_file():
            with np.load(path) as data:
                return np.asarray(data["poly"], dtype=np.int64), np.asarray(data["vinit"], dtype=np.int64)
    return None


def _initial_directions(poly: np.ndarray, vinit: np.ndarray, dim: int, bits: int) -> np.ndarray:
    """The unscrambled direction numbers ``v`` (dim x bits), as scipy's ``_initialize_v`` (Bratley and Fox)."""
    v = np.zeros((dim, bits), dtype=np.int64)
    v[0, :] = 1
    for d in range(1, dim):
        p = int(poly[d])
        m = p.bit_length() - 1
        row = [int(x) for x in vinit[d, :m]] + [0] * (bits - m)
        for j in range(m, bits):
            new = row[j - m]
            for k in range(m):
                if (p >> (m - 1 - k)) & 1:
                    new ^= row[j - k - 1] << (k + 1)
            row[j] = new
        v[d, :] = row[:bits]
    return v << np.arange(bits - 1, -1, -1, dtype=np.int64)  # column j times 2**(bits - 1 - j)


class ScrambledSobol:
    """Scrambled Sobol' points in ``[0, 1)^d``: ``scipy.stats.qmc.Sobol(d, scramble=True, bits=bits, rng=rng)``.

    Parameters
    ----------
    d : int
        Dimension.
    bits : int
        Bits of the points (at most 32).
    rng : numpy.random.Generator
        Its seed sequence spawns the generator of the scramble (as scipy's engine does).
    directions : tuple of ndarray
        scipy's direction numbers (``poly``, ``vinit``).

    Examples
    --------
    >>> import numpy as np
    >>> engine = sobol_engine(3, 30, np.random.default_rng(0))
    >>> engine.random(4).shape
    (4, 3)
    """

    def __init__(self, d: int, bits: int, rng: np.random.Generator, directions: tuple[np.ndarray, np.ndarray]) -> None:
        if not 0 < bits <= 32:
            raise ValueError(f"bits must be in [1, 32], got {bits}")
        poly, vinit = directions
        if d > poly.shape[0]:
            raise ValueError(f"Maximum supported dimensionality is {poly.shape[0]}.")
        self.d, self.bits, self.num_generated = d, bits, 0
        v = _initial_directions(poly, vinit, d, bits)
        # scipy's engine owns a child of the generator (spawned from its seed sequence, which counts the child) and
        # draws the digital shift, then the linear matrix scramble, from it.
        bit_generator = rng.bit_generator
        seed_seq: Any = bit_generator.seed_seq
        rng = np.random.Generator(type(bit_generator)(seed_seq.spawn(1)[0]))
        shift_bits = rng.integers(0, 2, size=(d, bits), dtype=np.uint32)
        ltm = np.tril(rng.integers(0, 2, size=(d, bits, bits), dtype=np.uint32)).astype(np.int64)
        ltm[:, np.arange(bits), np.arange(bits)] = 1
        weights = np.int64(1) << np.arange(bits, dtype=np.int64)
        self.shift = (shift_bits.astype(np.int64) @ weights).astype(np.uint32)
        # Bit k of row p of the scramble is ltm[p, bits - 1 - k]; the new bit (bits - 1 - p) of each direction number
        # is the parity of (row p) AND (the number).
        v_bits = (v[:, :, None] >> np.arange(bits, dtype=np.int64)) & 1  # (d, j, k)
        parity = np.einsum("dpk,djk->djp", ltm[:, :, ::-1], v_bits) & 1  # (d, j, p)
        self.sv = (parity @ (np.int64(1) << np.arange(bits - 1, -1, -1, dtype=np.int64))).astype(np.uint32)
        self.scale = 1.0 / 2**bits

    def random(self, n: int) -> np.ndarray:
        """The next ``n`` points (the sequence continues from where the last call stopped)."""
        if self.num_generated + n > 2**self.bits:
            raise ValueError(f"At most 2**{self.bits} distinct points can be generated.")
        index = np.arange(self.num_generated, self.num_generated + n, dtype=np.uint64)
        gray = index ^ (index >> np.uint64(1))
        quasi = np.broadcast_to(self.shift, (n, self.d)).copy()
        for b in range(self.bits):
            on = ((gray >> np.uint64(b)) & np.uint64(1)).astype(bool)
            if on.any():
                quasi[on] ^= self.sv[:, b]
        self.num_generated += n
        return quasi * self.scale


def sobol_engine(d: int, bits: int, rng: np.random.Generator) -> Any:
    """A scrambled Sobol' engine with ``random(n)``: :class:`ScrambledSobol`, or scipy's when its data is missing."""
    directions = _direction_numbers()
    if directions is None:
        from scipy.stats import qmc

        return qmc.Sobol(d, scramble=True, bits=bits, rng=rng)
    return ScrambledSobol(d, bits, rng, directions)
