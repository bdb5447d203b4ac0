"""Designs: where the draws come from, seeded as a tree so that any split of the work gives the same numbers.

A run of ``n`` draws is cut into fixed blocks of :data:`BLOCK_SIZE` draws. Block ``b`` of assumption ``name``
draws from its own generator, seeded by ``SeedSequence(entropy, spawn_key=(..., b, key(name)))``. Blocks are a
property of the run, not of the chunks or workers that evaluate it, so a chunk (any range of draws) regenerates
exactly the draws of that range: the same seed gives bit-identical draws whatever the chunk size or engine.
Keying streams by assumption name also gives common random numbers: a what-if that changes one assumption leaves
the draws of every other one unchanged.

Designs:

- ``"random"``: plain Monte Carlo with each family's cheapest exact sampler (numpy's native ones; beta and PERT
  through the verified table inverse CDF of :mod:`flopcast._ppf_table`);
- ``"lhs"``: Latin hypercube, stratified within each block, mapped through inverse CDFs;
- ``"sobol"``: one scrambled Sobol' sequence over the whole run (scipy's engine), mapped through inverse CDFs.

Correlated groups (see :mod:`flopcast.correlation`) take standard normals (or, for LHS and Sobol', the normal
scores of their uniforms), correlate them and map them through the inverse CDFs.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import ndtri

from flopcast.distributions import Distribution
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.formatting import count

if TYPE_CHECKING:
    from flopcast.correlation import Correlation
    from flopcast.joint import JointDraws
    from flopcast.model import Model

__all__ = ["BLOCK_SIZE", "DESIGNS", "Plan", "make_plan", "seed_sequence"]

#: Draws per seeding block. Large enough that creating generators costs < 1% of a run, small enough that a
#: chunk that starts inside a block wastes little.
BLOCK_SIZE = 2**16
DESIGNS = ("random", "lhs", "sobol")
_SOBOL_BITS = 30


def seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """Turn a user's seed into the root ``SeedSequence`` of a run (``None`` draws fresh entropy).

    Examples
    --------
    >>> from flopcast.design import seed_sequence
    >>> seed_sequence(0).entropy
    0
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise FlopcastTypeError(
            f"seed must be a non-negative integer, a numpy SeedSequence or None, got {type(seed).__name__}"
        )
    if seed < 0:
        raise FlopcastValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.SeedSequence(int(seed))


def _key(name: str) -> int:
    """A stable stream key for a name: the same in every process and Python version (unlike hash())."""
    return zlib.crc32(name.encode())


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything needed to regenerate any range of a run's draws, picklable for worker processes."""

    kind: str
    n: int
    root: np.random.SeedSequence
    names: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    groups: tuple[Correlation, ...]
    joint: tuple[JointDraws, ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # The block cache is a local speed-up; workers start without it.
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def generator(self, *key: int) -> np.random.Generator:
        """The generator of one stream, e.g. ``(block, key(name))``, under this run's root seed."""
        seq = np.random.SeedSequence(self.root.entropy, spawn_key=(*self.root.spawn_key, *key))
        return np.random.Generator(np.random.PCG64(seq))

    def draws(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """Draws ``start`` to ``stop`` (exclusive) of every uncertain assumption."""
        parts: dict[str, list[np.ndarray]] = {name: [] for name in self.names}
        for _, _, values in self.pieces(start, stop, max(stop - start, 1)):
            for name, v in values.items():
                parts[name].append(v)
        return {name: p[0] if len(p) == 1 else np.concatenate(p) if p else np.empty(0) for name, p in parts.items()}

    def pieces(self, start: int, stop: int, size: int) -> Iterator[tuple[int, int, dict[str, np.ndarray]]]:
        """Draws ``start`` to ``stop`` in consecutive pieces of at most ``size`` draws, as ``(lo, hi, draws)``.

        Pieces never straddle a seeding block, and together they are exactly the draws of :meth:`draws`: a block
        that the range covers whole is streamed from its generators piece by piece (every sampler continues its
        stream), so a piece small enough to stay in cache costs no more than the whole block at once.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.normal(mean=0, sd=1))
        >>> plan = make_plan(m, 10, seed=1, design="random")
        >>> [(lo, hi) for lo, hi, _ in plan.pieces(0, 10, 4)]
        [(0, 4), (4, 8), (8, 10)]
        """
        if not 0 <= start <= stop <= self.n:
            raise FlopcastValueError(f"draw range [{start}, {stop}) is outside the run of {count(self.n, 'draw')}")
        if self.kind == "sobol":
            for lo in range(start, stop, size):
                hi = min(lo + size, stop)
                yield lo, hi, self._through_ppf(self._sobol(lo, hi))
            return
        for block in range(start // BLOCK_SIZE, (stop - 1) // BLOCK_SIZE + 1 if stop > start else 0):
            b0 = block * BLOCK_SIZE
            lo, hi = max(start, b0) - b0, min(stop, b0 + BLOCK_SIZE) - b0
            block_size = min(BLOCK_SIZE, self.n - b0)
            if lo == 0 and hi == block_size:
                take = self._stream(block, block_size)
                for a in range(0, block_size, size):
                    b = min(a + size, block_size)
                    yield b0 + a, b0 + b, take(b - a)
                continue
            # A range that covers part of a block: generate the block once and serve the next ranges from it.
            if self._cache.get("block") != block:
                self._cache.update(block=block, values=self._stream(block, block_size)(block_size))
            values = self._cache["values"]
            for a in range(lo, hi, size):
                b = min(a + size, hi)
                yield b0 + a, b0 + b, {k: v[a:b] for k, v in values.items()}

    def _stream(self, block: int, size: int) -> Callable[[int], dict[str, np.ndarray]]:
        """The draws of one block as a stream: each call returns the next ``k`` draws of every assumption."""
        dists = dict(zip(self.names, self.distributions, strict=True))
        if self.kind == "lhs":
            # Latin hypercube: each block is one hypercube. The permutations are drawn up front; the jitter of each
            # stratum continues the same generator piece by piece.
            strata = []
            for name in self.names:
                rng = self.generator(block, _key(name))
                strata.append((name, rng, rng.permutation(size)))
            done = 0

            def lhs(k: int) -> dict[str, np.ndarray]:
                nonlocal done
                uniforms = {}
                for name, rng, perm in strata:
                    u = rng.random(k)
                    u += perm[done : done + k]
                    u /= size
                    uniforms[name] = u
                done += k
                return self._through_ppf(uniforms)

            return lhs
        grouped = {n for g in self.groups for n in g.names} | {n for j in self.joint for n in j.names}
        singles = [(nm, d, self.generator(block, _key(nm))) for nm, d in dists.items() if nm not in grouped]
        groups = [(g, self.generator(block, _key("correlated:" + ",".join(g.names)))) for g in self.groups]
        joints = [(j, self.generator(block, _key("joint:" + ",".join(j.names)))) for j in self.joint]

        def random(k: int) -> dict[str, np.ndarray]:
            out = {name: np.asarray(dist._sample(rng, k), dtype=np.float64) for name, dist, rng in singles}
            for group, rng in groups:
                u = group.uniforms(rng.standard_normal((k, len(group.names))))
                for j, name in enumerate(group.names):
                    out[name] = _ppf(dists[name], u[:, j])
            for joint, rng in joints:
                out.update(joint.rows(rng.random(k)))
            return out

        return random

    def _sobol(self, start: int, stop: int) -> dict[str, np.ndarray]:
        from scipy.stats import qmc

        # scipy's fast_forward costs time in proportion to the points skipped, so an engine that stopped
        # where this chunk starts is reused: sequential chunks cost O(n) in all instead of O(n^2).
        cached = self._cache.get("sobol")
        if cached is not None and cached[1] == start:
            engine = cached[0]
        else:
            engine = qmc.Sobol(len(self.names), scramble=True, bits=_SOBOL_BITS, rng=self.generator(_key("sobol")))
            if start:
                engine.fast_forward(start)
        with warnings.catch_warnings():
            # scipy warns when a request is not a power of two; chunks of a run seldom are, and the points are
            # those of one sequence whatever the chunks. Balance advice for n belongs to the user docs.
            warnings.filterwarnings("ignore", message="The balance properties of Sobol", category=UserWarning)
            # One row per assumption: the inverse CDFs then read contiguous memory, not every 15th value.
            u = np.ascontiguousarray(engine.random(stop - start).T)
        self._cache["sobol"] = (engine, stop)
        # Points are multiples of 2**-30 and may be exactly 0: take the centre of each cell instead.
        u += 2.0 ** -(_SOBOL_BITS + 1)
        return dict(zip(self.names, u, strict=True))

    def _through_ppf(self, uniforms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Map the design's uniforms (arrays this plan owns, overwritten) through the inverse CDFs."""
        dists = dict(zip(self.names, self.distributions, strict=True))
        rows: dict[str, np.ndarray] = {}
        for joint in self.joint:
            # The design's uniform of the group's first assumption picks whole rows for the group.
            rows.update(joint.rows(uniforms[joint.names[0]]))
        for group in self.groups:
            z = np.column_stack([ndtri(_open(uniforms[n])) for n in group.names])
            u = group.uniforms(z)
            for j, name in enumerate(group.names):
                uniforms[name] = u[:, j]
        return {name: rows[name] if name in rows else _ppf(dists[name], uniforms[name]) for name in self.names}


def _open(u: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Keep uniforms inside (0, 1) so that unbounded inverse CDFs stay finite."""
    return np.clip(u, 2.0**-64, 1.0 - 2.0**-53, out=out)


def _ppf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """``dist.ppf`` of design uniforms, kept inside (0, 1) in place: no range checks, no copies beyond the ppf's."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(dist._ppf(_open(u, out=u)), dtype=np.float64)


def make_plan(model: Model, n: int, seed: int | np.random.SeedSequence | None, design: str) -> Plan:
    """Build the plan of a run of ``model``: its uncertain assumptions, design and root seed."""
    if not isinstance(design, str) or design not in DESIGNS:
        raise FlopcastValueError(f"design must be one of {DESIGNS}, got {design!r}")
    names = model.uncertain
    dists = tuple(model.assumptions[name].distribution for name in names)
    if design == "sobol" and len(names) > 21201:
        raise FlopcastValueError(f"design 'sobol' supports at most 21201 uncertain assumptions, got {len(names)}")
    return Plan(design, n, seed_sequence(seed), names, dists, model.correlations, model.joint_groups)
