"""Rank correlation between assumptions through a Gaussian copula.

Correlated normals are mapped to uniforms by the normal CDF and then through each assumption's inverse CDF, so
every marginal is exactly its distribution. For a Gaussian copula, Spearman's rank correlation and the normals'
Pearson correlation r are tied by rho_s = (6 / pi) arcsin(r / 2) (Kruskal 1958), so asking for a rank
correlation rho_s means correlating the normals with r = 2 sin(pi rho_s / 6): the target holds in expectation,
for any marginals. We prefer this to Iman-Conover because it needs no reordering of a finished sample, so it
works chunk by chunk and with every design.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = ["Correlation"]


@dataclass(frozen=True, eq=False)
class Correlation:
    """A group of assumptions with a target Spearman rank-correlation matrix.

    Examples
    --------
    >>> from flopcast.correlation import Correlation
    >>> c = Correlation.from_spearman(["a", "b"], 0.5)
    >>> round(float(c.normal[0, 1]), 4)
    0.5176
    """

    names: tuple[str, ...]
    spearman: np.ndarray
    normal: np.ndarray
    cholesky: np.ndarray

    @classmethod
    def from_spearman(cls, names: Sequence[str], matrix: Any) -> Correlation:
        """Validate a Spearman matrix for ``names`` and derive the copula's normal correlation and factor."""
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise FlopcastTypeError("correlate(): names must be a sequence of assumption names (strings)")
        names = tuple(names)
        k = len(names)
        if k < 2:
            raise FlopcastValueError(f"correlate(): needs at least two assumptions, got {k}")
        if len(set(names)) != k:
            raise FlopcastValueError(f"correlate(): names must be distinct, got {names}")
        if isinstance(matrix, bool):
            raise FlopcastTypeError("correlate(): matrix must be a number or a square array, got bool")
        try:
            rho = np.array(matrix, dtype=float)
        except (TypeError, ValueError) as exc:
            raise FlopcastTypeError(f"correlate(): matrix must be numeric, got {type(matrix).__name__}") from exc
        if rho.ndim == 0:
            if k != 2:
                raise FlopcastValueError(f"correlate(): a single number correlates two assumptions, got {k} names")
            rho = np.array([[1.0, float(rho)], [float(rho), 1.0]])
        if rho.shape != (k, k):
            raise FlopcastValueError(f"correlate(): matrix must be {k}x{k} for {k} names, got shape {rho.shape}")
        if not np.all(np.isfinite(rho)):
            raise FlopcastValueError("correlate(): matrix has NaN or infinite entries")
        if not np.allclose(rho, rho.T, atol=1e-12):
            raise FlopcastValueError("correlate(): matrix must be symmetric; it is not a valid correlation matrix")
        if not np.allclose(np.diag(rho), 1.0, atol=1e-12):
            raise FlopcastValueError(f"correlate(): matrix must have ones on its diagonal, got {np.diag(rho).tolist()}")
        off = rho[~np.eye(k, dtype=bool)]
        if np.any(np.abs(off) > 1):
            raise FlopcastValueError(
                f"correlate(): correlations must lie in [-1, 1], got {off[np.abs(off) > 1].tolist()}"
            )
        eig = np.linalg.eigvalsh(rho)
        if eig.min() < -1e-10:
            raise FlopcastValueError(
                f"correlate(): matrix is not positive semi-definite (smallest eigenvalue {eig.min():.3g}), so it "
                "is not a valid correlation matrix; make the correlations mutually consistent"
            )
        normal = 2.0 * np.sin(np.pi * rho / 6.0)
        np.fill_diagonal(normal, 1.0)
        # A tiny ridge lets perfectly correlated groups (eigenvalue 0) factorize; it moves r by < 1e-12.
        try:
            chol = np.linalg.cholesky(normal + 1e-12 * np.eye(k))
        except np.linalg.LinAlgError as exc:
            raise FlopcastValueError(
                "correlate(): the copula's normal correlation matrix derived from these rank correlations is not "
                "positive definite; reduce the strongest correlations slightly"
            ) from exc
        for arr in (rho, normal, chol):
            arr.setflags(write=False)
        return cls(names, rho, normal, chol)

    def uniforms(self, standard_normals: np.ndarray) -> np.ndarray:
        """Map independent standard normals of shape (n, k) to correlated uniforms of the same shape."""
        from scipy.special import ndtr

        return np.asarray(ndtr(standard_normals @ self.cholesky.T))

    def __repr__(self) -> str:
        return f"Correlation({self.names}, spearman={self.spearman.tolist()})"
