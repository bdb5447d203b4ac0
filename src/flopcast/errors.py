"""flopcast's user errors: one base class, so that callers (and the command) can tell them from bugs.

Every error that flopcast raises for bad input derives from :class:`FlopcastError` and also from the built-in
exception a Python user expects: :class:`FlopcastValueError` is a ``ValueError``, :class:`FlopcastTypeError` a
``TypeError``, :class:`FlopcastKeyError` a ``KeyError``. Anything else that escapes flopcast is a bug.

Examples
--------
>>> from flopcast.errors import FlopcastError, FlopcastValueError
>>> issubclass(FlopcastValueError, FlopcastError) and issubclass(FlopcastValueError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "FlopcastError",
    "FlopcastKeyError",
    "FlopcastTypeError",
    "FlopcastValueError",
    "FlopcastWarning",
    "ModelWarning",
    "NonFiniteWarning",
    "SmallSampleWarning",
    "UndefinedMomentWarning",
]


class FlopcastError(Exception):
    """Base class of the errors flopcast raises for bad input (a model, a parameter, a file, an option)."""


class FlopcastValueError(FlopcastError, ValueError):
    """A value flopcast cannot use: out of range, unknown name, unit mismatch, bad file content."""


class FlopcastTypeError(FlopcastError, TypeError):
    """An argument of the wrong type."""


class FlopcastKeyError(FlopcastError, KeyError):
    """An unknown name looked up like a key (``model["nme"]``, ``result["nme"]``)."""

    def __str__(self) -> str:
        # KeyError's str() is the repr of its argument; a message reads better without the quotes.
        return str(self.args[0]) if self.args else ""


class FlopcastWarning(UserWarning):
    """Base class of flopcast's warnings: a result was computed, but read it with the caveat the message gives."""


class ModelWarning(FlopcastWarning):
    """A model's build noticed something that is not an error: a quantity NaN or infinite on part of its support."""


class NonFiniteWarning(FlopcastWarning):
    """Some draws of a quantity are NaN or infinite; the estimate uses the finite ones (the message says how many)."""


class UndefinedMomentWarning(FlopcastWarning):
    """A quantity's mean or sd does not exist (a Cauchy upstream): the summary gives NaN, not a sample value."""


class SmallSampleWarning(FlopcastWarning):
    """Too few samples for the estimate to be reliable (Sobol' indices from fewer than 64 base samples)."""
