"""Safe output files: a folder that is flopcast's, files replaced atomically, never a user's file touched.

A report folder (see :func:`flopcast.report.write_report`) is written through :class:`OutputFolder`:

- the folder is created if missing; an existing one is used only if it is empty or was written by flopcast: a
  manifest, ``.flopcast-manifest.json``, lists what flopcast wrote there. A folder holding other files is refused
  unless ``force=True``, and even then only flopcast's own files are replaced: a file of the user's that has the
  name of a report file (``report.md``, ``tornado.png``, ...) is never overwritten or deleted;
- every file is written under a temporary name in the same folder and renamed into place (``os.replace``, atomic
  on one file system); the new files replace the old ones in one quick step once all of them are written, and the
  manifest is written last. An interrupted run leaves the previous report as it was;
- symbolic links are never followed for writing: the folder itself must not be a link, temporary files are
  created with ``O_EXCL | O_NOFOLLOW``, and renaming onto a name replaces that name, not what a link there points
  to. A link in the folder is not flopcast's file (only regular files are), so it is refused like any user file;
- one writer at a time: a lock (``fcntl.flock`` on ``.flopcast.lock``) is held while the files are written and
  put in place; a second run that reaches that step meanwhile waits for the first to finish (up to a minute,
  then it is refused with a clear message) and then replaces the whole report, so two runs never mix.

:func:`atomic_write` writes one file the same way (:meth:`flopcast.result.Result.to_netcdf` uses it).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:
...     with OutputFolder(Path(tmp) / "out", names=["a.txt"]) as folder:
...         _ = folder.stage("a.txt", lambda path: path.write_text("hello"))
...         _ = folder.commit()
...     sorted(p.name for p in (Path(tmp) / "out").iterdir())
['.flopcast-manifest.json', '.flopcast.lock', 'a.txt']
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = ["LOCK", "MANIFEST", "OutputFolder", "OutputFolderError", "atomic_write"]

#: The file that records what flopcast wrote in a folder (written last).
MANIFEST = ".flopcast-manifest.json"
#: The lock file that keeps two runs out of one folder.
LOCK = ".flopcast.lock"
#: Temporary files carry this marker (and keep their suffix: writers choose the format from it).
_TMP_MARK = ".flopcast-tmp-"

Writer = Callable[[Path], Any]


class OutputFolderError(FlopcastValueError):
    """An output folder or file that flopcast refuses to write, or cannot.

    ``problem`` says what is wrong; ``fix`` how to proceed from Python, ``cli_fix`` from the command line (whose
    options are not Python arguments); ``forceable`` whether ``force=True`` (``--force``) would do.
    """

    def __init__(
        self, problem: str, fix: str = "", *, cli_fix: str = "choose another --out", forceable: bool = False
    ) -> None:
        self.problem = problem
        self.fix = fix
        self.cli_fix = cli_fix
        self.forceable = forceable
        super().__init__(f"{problem}; {fix}" if fix else problem)


def _check_path(path: Any, what: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise FlopcastTypeError(f"{what} must be a path (str or pathlib.Path), got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise FlopcastTypeError(f"{what} must be a text path, got {type(text).__name__}")
    if not text.strip():
        raise OutputFolderError(f"{what} is empty", "give a folder name (use '.' for the current folder)")
    if "\0" in text:
        raise OutputFolderError(f"{what} {text!r} contains a NUL character", "give a valid path")
    return Path(text)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _io_error(path, exc) from exc


def _io_error(path: Path, exc: OSError) -> OutputFolderError:
    return OutputFolderError(f"cannot write {str(path)!r}: {exc.strerror or exc}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _temp_name(folder: Path, name: str) -> Path:
    """A fresh temporary file beside ``name``, created empty with O_EXCL|O_NOFOLLOW (never through a link)."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot and stem else (name, "")
    while True:
        path = folder / f".{stem}{_TMP_MARK}{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue
        except OSError as exc:
            raise _io_error(folder / name, exc) from exc
        os.close(fd)
        return path


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold back Ctrl-C while a few renames run, so that they all happen or none; raise it afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


def atomic_write(path: str | os.PathLike[str], write: Writer) -> Path:
    """Write a file with ``write(temporary_path)``, then rename it to ``path`` in one atomic step.

    An interrupted or failed write leaves the previous file (or no file) at ``path``, never a partial one. If
    ``path`` is a symbolic link, the link itself is replaced by the new file; its target is not touched.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.
    write : callable
        Called with a temporary path in the same folder; writes the content there.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target = atomic_write(Path(tmp) / "x.txt", lambda p: p.write_text("done"))
    ...     target.read_text(), sorted(p.name for p in Path(tmp).iterdir())
    ('done', ['x.txt'])
    """
    target = _check_path(path, "file name")
    st = _lstat(target)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputFolderError(f"cannot write {str(target)!r}: it is a folder", "give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise OutputFolderError(f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist")
    tmp = _temp_name(folder, target.name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise _io_error(target, exc) from exc
    except BaseException:
        _remove(tmp)
        raise
    return target


class OutputFolder:
    """A folder flopcast writes a set of files to, safely (see the module's documentation).

    Use it as a context manager: entering checks, creates and locks the folder; :meth:`stage` writes each file
    under a temporary name; :meth:`commit` renames them all into place, writes the manifest and removes the files
    of the previous report that this one does not have. Leaving without commit (an error, Ctrl-C) deletes the
    temporary files and leaves the folder as it was.

    Parameters
    ----------
    path : str or Path
        The folder.
    names : iterable of str
        Every file name this run may write: checked at the start against the user's files.
    force : bool, default False
        Write into a folder that holds files flopcast did not write (they are kept as they are).
    wait : float, default 60
        Seconds to wait for another run that is writing to the folder, before refusing.
    """

    def __init__(
        self, path: str | os.PathLike[str], names: Iterable[str], *, force: bool = False, wait: float = 60.0
    ) -> None:
        self.path = _check_path(path, "output folder")
        self.names = tuple(names)
        for name in self.names:
            if not name or name != Path(name).name or name in (MANIFEST, LOCK, ".", ".."):
                raise FlopcastValueError(f"output file name must be a plain file name, got {name!r}")
        self.force = bool(force)
        self.wait = float(wait)
        self._staged: dict[str, Path] = {}
        self._lock_fd: int | None = None
        self._previous: dict[str, str] = {}  # the previous report's files still here: name -> sha256

    def __repr__(self) -> str:
        return f"OutputFolder({str(self.path)!r})"

    # ------------------------------------------------------------------ entering: check, create, lock
    def check(self) -> None:
        """Refuse now a folder that cannot be used (a file, a link, the user's files): before a long run."""
        self._check_owned()

    def __enter__(self) -> OutputFolder:
        self._check_owned()  # before creating anything in a folder that may not be ours
        self._create()
        self._lock()
        try:
            self._previous = self._check_owned()  # again, now that no other run can change it
            self._remove_stale_temporaries()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            for tmp in self._staged.values():
                _remove(tmp)
            self._staged.clear()
        finally:
            self._unlock()

    def _create(self) -> None:
        st = _lstat(self.path)
        if st is None:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputFolderError(
                    f"cannot create the output folder {str(self.path)!r}: {exc.strerror or exc}"
                ) from exc
            st = _lstat(self.path)
        if st is None or stat.S_ISLNK(st.st_mode):
            raise OutputFolderError(
                f"output folder {str(self.path)!r} is a symbolic link; flopcast does not write through links",
                "give the folder it points to",
            )
        if not stat.S_ISDIR(st.st_mode):
            raise OutputFolderError(f"output folder {str(self.path)!r} is a file, not a folder", "give a folder")

    def _lock(self) -> None:
        lock = self.path / LOCK
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise _io_error(lock, exc) from exc
        deadline = time.monotonic() + self.wait
        while True:
            try:
                _try_lock(fd)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise OutputFolderError(
                        f"another flopcast run has been writing to {str(self.path)!r} for {self.wait:g} s",
                        "wait for it to finish, or write to another folder",
                        cli_fix="wait for it to finish, or choose another --out",
                    ) from None
                time.sleep(0.05)
            except OSError as exc:
                os.close(fd)
                raise _io_error(lock, exc) from exc
            except BaseException:
                os.close(fd)
                raise
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    # ------------------------------------------------------------------ what is whose
    def _check_owned(self) -> dict[str, str]:
        """The previous report's files (name -> sha256); refuse a folder with the user's files (unless forced)."""
        st = _lstat(self.path)
        if st is None:
            return {}
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            self._create()  # raises the right message
        written, leftovers = self._manifest()
        try:
            entries = {entry.name: entry for entry in os.scandir(self.path)}
        except OSError as exc:
            raise _io_error(self.path, exc) from exc
        edited = self._edited_files(entries, written)
        if edited:
            raise OutputFolderError(
                f"output folder {str(self.path)!r}: {', '.join(edited)} changed since flopcast wrote "
                f"{'it' if len(edited) == 1 else 'them'}; a new report would replace those edits",
                "move the edited files away or choose another folder",
                cli_fix="move the edited files away or choose another --out",
            )
        # A file the previous report left to remove is flopcast's only while it holds what flopcast wrote: a file
        # of the user's that took its name after it was removed is the user's.
        owned = {
            name: digest
            for name, digest in {**leftovers, **written}.items()
            if name in entries
            and entries[name].is_file(follow_symlinks=False)
            and (name in written or _sha256(Path(entries[name].path)) == digest)
        }
        foreign = sorted(
            name
            for name, entry in entries.items()
            if name not in (MANIFEST, LOCK)
            and not (entry.is_file(follow_symlinks=False) and (name in owned or _TMP_MARK in name))
        )
        if not foreign:
            return owned
        clash = [name for name in foreign if name in self.names]
        listed = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        where = f"output folder {str(self.path)!r}"
        if clash:
            raise OutputFolderError(
                f"{where} holds files that flopcast did not write and would replace: {', '.join(clash)}",
                "move them away or choose another folder (flopcast never replaces files it did not write)",
                cli_fix="move them away or choose another --out (flopcast never replaces files it did not write)",
            )
        if not self.force:
            raise OutputFolderError(
                f"{where} holds files that flopcast did not write ({listed})",
                "choose a new or empty folder, or pass force=True to write beside them (they are kept)",
                cli_fix="choose a new or empty --out, or add --force to write beside them (they are kept)",
                forceable=True,
            )
        return owned

    def _edited_files(self, entries: dict[str, os.DirEntry[str]], written: dict[str, str]) -> list[str]:
        """Files of the previous report whose content no longer matches the digest the manifest recorded."""
        return sorted(
            name
            for name, digest in written.items()
            if name in entries
            and entries[name].is_file(follow_symlinks=False)
            and _sha256(Path(entries[name].path)) != digest
        )

    def _manifest(self) -> tuple[dict[str, str], dict[str, str]]:
        """The manifest's files of the last report and the leftovers it was to remove, each name -> sha256."""
        manifest = self.path / MANIFEST
        st = _lstat(manifest)
        if st is None:
            return {}, {}
        problem = f"output folder {str(self.path)!r} has a {MANIFEST} that flopcast cannot read"
        if not stat.S_ISREG(st.st_mode):
            raise OutputFolderError(problem, "remove it or choose another folder")
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            tables = (data["files"], data.get("previous", {}))
            if not all(isinstance(table, dict) for table in tables):
                raise TypeError("a table of the manifest is not a mapping")
        except (OSError, ValueError, KeyError, TypeError):
            raise OutputFolderError(problem, "remove it or choose another folder") from None
        written, leftovers = (
            {
                name: digest
                for name, digest in table.items()
                if isinstance(name, str) and name == Path(name).name and isinstance(digest, str)
            }
            for table in tables
        )
        return written, leftovers

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of an earlier run that was killed before it could clean up."""
        for entry in os.scandir(self.path):
            if _TMP_MARK in entry.name and entry.is_file(follow_symlinks=False):
                _remove(Path(entry.path))

    # ------------------------------------------------------------------ writing
    def stage(self, name: str, write: Writer) -> Path:
        """Write ``name`` with ``write(temporary_path)``; it takes its place at :meth:`commit`.

        Returns the final path of the file.
        """
        if self._lock_fd is None:
            raise FlopcastValueError("OutputFolder.stage() needs the folder entered: use 'with OutputFolder(...)'")
        if name not in self.names:
            raise FlopcastValueError(f"{name!r} is not one of the files declared for {self!r}: {self.names}")
        if name in self._staged:
            _remove(self._staged.pop(name))
        tmp = _temp_name(self.path, name)
        self._staged[name] = tmp
        try:
            write(tmp)
        except OSError as exc:
            raise _io_error(self.path / name, exc) from exc
        return self.path / name

    def staged(self, name: str) -> Path:
        """Where the staged file ``name`` is until :meth:`commit` (to read it back, e.g. to embed a figure)."""
        if name not in self._staged:
            raise FlopcastValueError(f"{name!r} has not been staged in {self!r}")
        return self._staged[name]

    def commit(self) -> dict[str, Path]:
        """Rename every staged file into place, write the manifest, remove the previous report's other files."""
        names = dict(self._staged)
        try:
            digests = {name: _sha256(tmp) for name, tmp in names.items()}
            stale = {name: digest for name, digest in sorted(self._previous.items()) if name not in names}
            record = {"flopcast": _version(), "files": digests, "previous": stale}
            manifest_tmp = _temp_name(self.path, MANIFEST)
            self._staged[MANIFEST] = manifest_tmp
            manifest_tmp.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
            with _sigint_deferred():
                for name, tmp in names.items():
                    os.replace(tmp, self.path / name)
                    del self._staged[name]
                os.replace(manifest_tmp, self.path / MANIFEST)  # last: the folder is now the new report
                del self._staged[MANIFEST]
        except OSError as exc:
            raise _io_error(self.path, exc) from exc
        for name, digest in stale.items():  # listed, with their digests, as "previous" until they are gone
            path = self.path / name
            st = _lstat(path)
            if st is not None and stat.S_ISREG(st.st_mode) and _sha256(path) == digest:
                _remove(path)
        return {name: self.path / name for name in names}


def _try_lock(fd: int) -> None:
    """Take an exclusive lock on ``fd`` without waiting (BlockingIOError if another process holds it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError as exc:
            raise BlockingIOError(errno.EAGAIN, "locked") from exc
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _version() -> str:
    from flopcast.version import __version__

    return __version__
