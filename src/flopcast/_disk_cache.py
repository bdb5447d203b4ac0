"""A folder of numpy arrays that are costly to compute and always the same: flopcast's disk cache.

What goes here is a pure function of its key (the interpolation tables of :mod:`flopcast._ppf_table`, a
function of the Beta shapes, the code that builds them and the versions of numpy and scipy), so a file read
back is bit for bit what the computation gives; the key names all of that, and the computation runs whenever
the file is missing, unreadable or damaged (the ``.npz`` format checks each array's CRC). Files are written
under a temporary name and renamed into place, so two processes never read a half-written file.

The folder is the user's cache folder (``~/.cache/flopcast`` on Linux, via ``platformdirs``), or the folder
in the environment variable ``FLOPCAST_CACHE_DIR``; setting that variable to an empty string turns the cache
off. A folder that cannot be created or written is skipped silently: the values are then computed as if the
cache did not exist.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = ["cache_folder", "key", "load", "store"]


@functools.cache
def cache_folder() -> Path | None:
    """The cache folder (see the module's docstring), or None when the cache is off."""
    chosen = os.environ.get("FLOPCAST_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    try:
        import platformdirs
    except ImportError:  # platformdirs comes with pint; without it, no cache
        return None
    return Path(platformdirs.user_cache_dir("flopcast", appauthor=False))


def key(*parts: object) -> str:
    """A file name for the value of ``parts`` (their ``repr``: give floats as ``float.hex()`` for exactness).

    Examples
    --------
    >>> key("beta", (2.0).hex()) == key("beta", (2.0).hex()) != key("beta", (3.0).hex())
    True
    """
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def load(kind: str, name: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under ``kind/name``, or None when there are none (or they cannot be read)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        # The file is opened here so that it is closed whatever np.load makes of it (a truncated zip raises).
        with open(folder / kind / f"{name}.npz", "rb") as file, np.load(file, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except Exception:  # missing, unreadable, truncated or damaged: computed again (and stored again)
        return None


def store(kind: str, name: str, arrays: Mapping[str, np.ndarray]) -> None:
    """Store ``arrays`` under ``kind/name``; a folder that cannot be written is skipped."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        target = folder / kind
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **dict(arrays))  # type: ignore[arg-type]  # numpy types savez(allow_pickle=) only
            os.replace(temporary, target / f"{name}.npz")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:  # read-only home, full disk, a folder without permission: the cache is only a shortcut
        return
