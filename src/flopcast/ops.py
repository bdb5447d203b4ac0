"""Math helpers for derived functions that run unchanged on numpy arrays, pint quantities and PyTensor variables.

A derived quantity is written once and evaluated three ways: on float arrays (the Monte Carlo), on pint
quantities (the unit check) and on PyTensor variables (PyMC calibration). numpy's ``log`` and ``exp`` already
dispatch to all three, but ``np.minimum``, ``np.maximum`` and ``np.where`` do not accept PyTensor variables, so
these helpers choose the implementation from the type of their arguments. On distributions and expressions they
build a lazy expression (:mod:`flopcast.expr`), as arithmetic does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from flopcast.arithmetic import Arithmetic
from flopcast.expr import apply

__all__ = ["exp", "log", "maximum", "minimum", "sqrt", "where"]


def _is_symbolic(*args: Any) -> bool:
    return any(type(a).__module__.startswith("pytensor") for a in args)


def _is_lazy(*args: Any) -> bool:
    """Whether an argument is a distribution or an expression: then the helper builds a lazy expression."""
    return any(isinstance(a, Arithmetic) for a in args)


def _lazy(fn: Any, *args: Any) -> Any:
    return apply(fn, fn.__name__, *args)


def log(x: Any) -> Any:
    """Natural logarithm of numbers, arrays, pint quantities (dimensionless) or PyTensor variables.

    Examples
    --------
    >>> import flopcast as fc
    >>> float(fc.log(1.0))
    0.0
    """
    if _is_lazy(x):
        return _lazy(log, x)
    if _is_symbolic(x):
        import pytensor.tensor as pt

        return pt.log(x)
    return np.log(x)


def exp(x: Any) -> Any:
    """Exponential of numbers, arrays, pint quantities (dimensionless) or PyTensor variables.

    Examples
    --------
    >>> import flopcast as fc
    >>> float(fc.exp(0.0))
    1.0
    """
    if _is_lazy(x):
        return _lazy(exp, x)
    if _is_symbolic(x):
        import pytensor.tensor as pt

        return pt.exp(x)
    return np.exp(x)


def sqrt(x: Any) -> Any:
    """Square root of numbers, arrays, pint quantities or PyTensor variables.

    Examples
    --------
    >>> import flopcast as fc
    >>> float(fc.sqrt(9.0))
    3.0
    """
    if _is_lazy(x):
        return _lazy(sqrt, x)
    if _is_symbolic(x):
        import pytensor.tensor as pt

        return pt.sqrt(x)
    return np.sqrt(x)


def minimum(a: Any, b: Any) -> Any:
    """Elementwise minimum of two values (numbers, arrays, pint quantities or PyTensor variables).

    Examples
    --------
    >>> import flopcast as fc
    >>> fc.minimum([1.0, 5.0], 3.0).tolist()
    [1.0, 3.0]
    """
    if _is_lazy(a, b):
        return _lazy(minimum, a, b)
    if _is_symbolic(a, b):
        import pytensor.tensor as pt

        return pt.minimum(a, b)
    return np.minimum(a, b)


def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum of two values (numbers, arrays, pint quantities or PyTensor variables).

    Examples
    --------
    >>> import flopcast as fc
    >>> fc.maximum([1.0, 5.0], 3.0).tolist()
    [3.0, 5.0]
    """
    if _is_lazy(a, b):
        return _lazy(maximum, a, b)
    if _is_symbolic(a, b):
        import pytensor.tensor as pt

        return pt.maximum(a, b)
    return np.maximum(a, b)


def where(condition: Any, a: Any, b: Any) -> Any:
    """Choose ``a`` where ``condition`` holds and ``b`` elsewhere (numpy, pint or PyTensor).

    Examples
    --------
    >>> import numpy as np
    >>> import flopcast as fc
    >>> fc.where(np.array([True, False]), 1.0, 2.0).tolist()
    [1.0, 2.0]
    """
    if _is_lazy(condition, a, b):
        return _lazy(where, condition, a, b)
    if _is_symbolic(condition, a, b):
        import pytensor.tensor as pt

        return pt.switch(condition, a, b)
    return np.where(condition, a, b)
