"""How the ``flopcast`` command finds a model: a built-in name, or a user's Python file.

Names
-----
``uncertain`` (the default), ``refined``, ``article-low``, ``article-high``, and ``article``, which is
``article-low``: the article's headline case (a 4x dataset multiplier, 1.1e25 FLOP; the high case, 10x, gives
2.7e25 FLOP).

Files
-----
``path/to/file.py:name`` names a :class:`~flopcast.Model` object of the file or a function of no arguments
that returns one. ``path/to/file.py`` alone takes the only Model object the file defines at module level; if it
defines none, the only function annotated to return a Model (``def build() -> fc.Model``). The file is run as a
module named ``flopcast_user_model`` (its ``if __name__ == "__main__":`` block does not run), with its folder on
``sys.path`` so that it can import its neighbours.

Every failure raises :class:`ModelNotFound` with a one-line message.

Examples
--------
>>> load_model("article").name
'sora-article-low'
>>> load_model("nonsense")
Traceback (most recent call last):
...
flopcast.cli_models.ModelNotFound: unknown model 'nonsense'; choose one of uncertain, refined, article, ...
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = [
    "DEFAULT_MODEL",
    "ModelNotFound",
    "builtin_models",
    "latency_config_keys",
    "latency_prediction",
    "load_model",
    "model_folder",
]

DEFAULT_MODEL = "uncertain"


class ModelNotFound(FlopcastValueError):
    """A model name or file that does not give a Model (the message is one line, for the command)."""


def builtin_models() -> dict[str, str]:
    """The built-in model names, name -> one-line description, the default first.

    Examples
    --------
    >>> list(builtin_models())
    ['uncertain', 'refined', 'article', 'article-low', 'article-high']
    """
    from flopcast.catalog import sora

    described = sora.models()
    return {
        "uncertain": described["uncertain"] + " (default)",
        "refined": described["refined"],
        "article": "the article's low case (same as article-low)",
        "article-low": described["article-low"],
        "article-high": described["article-high"],
    }


def latency_config_keys() -> Mapping[str, str]:
    """The configuration keys of ``flopcast latency`` (a video model's published configuration), key -> meaning.

    The command reaches the catalog only through this module.
    """
    from flopcast.catalog.video_latency import CONFIG_KEYS

    return CONFIG_KEYS


def latency_prediction(config: Mapping[str, Any], *, n: int, seed: int, prob: float) -> tuple[Any, dict[str, Any]]:
    """``flopcast latency``: the predicted latency of a configuration, and the stored fit it is based on."""
    from flopcast.catalog.latency_fit import predict_latency, stored_fit

    return predict_latency(config, n=n, seed=seed, prob=prob), stored_fit()


def load_model(spec: str) -> Model:
    """Return the model that ``spec`` names: a built-in name, ``file.py`` or ``file.py:name``."""
    from flopcast.catalog import sora

    names = builtin_models()
    if spec in names:
        return sora.get_model("article-low" if spec == "article" else spec)
    path, attr = _split_file_spec(spec)
    if path is None:
        raise ModelNotFound(
            f"unknown model {spec!r}; choose one of {', '.join(names)}, or give a Python file as path/to/file.py "
            "or path/to/file.py:name"
        )
    return _from_file(path, attr)


def model_folder(spec: str) -> str | None:
    """The absolute folder of the model file ``spec`` names, or None for a built-in model (or no file).

    Examples
    --------
    >>> model_folder("uncertain") is None
    True
    >>> model_folder("/tmp/m.py:build")
    '/tmp'
    """
    if spec in builtin_models():
        return None
    try:
        path, _ = _split_file_spec(spec)
    except ModelNotFound:
        return None
    return None if path is None else os.path.dirname(os.path.abspath(path))


def _split_file_spec(spec: str) -> tuple[Path | None, str | None]:
    if spec.endswith(".py"):
        return Path(spec), None
    head, sep, tail = spec.rpartition(":")
    if sep and head.endswith(".py"):
        if not tail.isidentifier():
            raise ModelNotFound(f"{spec!r}: after ':' give the name of a Model or of a function, got {tail!r}")
        return Path(head), tail
    return None, None


def _from_file(path: Path, attr: str | None) -> Model:
    try:
        exists = path.is_file()
    except OSError as exc:  # a name too long for the file system, a folder that cannot be read
        raise ModelNotFound(f"model file {_short(str(path))!r} cannot be read: {exc.strerror or exc}") from None
    if not exists:
        raise ModelNotFound(f"model file {_short(str(path))!r} does not exist")
    module = _run_file(path)
    where = f"{path}"
    if attr is not None:
        if not hasattr(module, attr):
            raise ModelNotFound(f"{where} defines no {attr!r}; {_candidates_text(module)}")
        return _as_model(getattr(module, attr), f"{where}:{attr}")
    models = {k: v for k, v in vars(module).items() if isinstance(v, Model) and not k.startswith("_")}
    if len(models) == 1:
        return next(iter(models.values()))
    if len(models) > 1:
        raise ModelNotFound(
            f"{where} defines {len(models)} models ({', '.join(models)}); choose one as {path}:{next(iter(models))}"
        )
    builders = _builders(module)
    if len(builders) == 1:
        name, fn = next(iter(builders.items()))
        return _as_model(fn, f"{where}:{name}")
    if len(builders) > 1:
        raise ModelNotFound(
            f"{where} has {len(builders)} functions returning a Model ({', '.join(builders)}); "
            f"choose one as {path}:{next(iter(builders))}"
        )
    raise ModelNotFound(
        f"{where} does not define a model: define a flopcast Model at module level, or a function of no "
        f"arguments annotated '-> fc.Model', or name one as {path}:name"
    )


def _short(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters, so that a huge argument does not flood the one-line error."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _run_file(path: Path) -> Any:
    name = "flopcast_user_model"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModelNotFound(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:  # sys.exit() at import must not end the command silently with the file's status
        raise ModelNotFound(f"{path} {_exited(exc)} when run; a model file must define a model, not exit") from None
    except Exception as exc:  # the user's code: report what it raised in one line
        message = str(exc).splitlines()[0] if str(exc) else ""
        raise ModelNotFound(f"{path} raised {type(exc).__name__} when run: {message}") from exc
    finally:
        if sys.path and sys.path[0] == folder:
            del sys.path[0]
    return module


def _exited(exc: SystemExit) -> str:
    """How the user's code exited, for a one-line error: ``called sys.exit(3)``."""
    code = exc.code
    return f"called sys.exit({'' if code is None else _short(repr(code), 40)})"


def _returns_model(fn: Callable[..., Any]) -> bool:
    annotation = inspect.signature(fn).return_annotation
    if annotation is Model:
        return True
    return isinstance(annotation, str) and annotation.rsplit(".", 1)[-1] == "Model"


def _no_required_parameters(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


def _builders(module: Any) -> dict[str, Callable[..., Any]]:
    return {
        k: v
        for k, v in vars(module).items()
        if inspect.isfunction(v)
        and v.__module__ == module.__name__
        and not k.startswith("_")
        and _returns_model(v)
        and _no_required_parameters(v)
    }


def _candidates_text(module: Any) -> str:
    models = [k for k, v in vars(module).items() if isinstance(v, Model) and not k.startswith("_")]
    functions = [
        k
        for k, v in vars(module).items()
        if inspect.isfunction(v) and v.__module__ == module.__name__ and not k.startswith("_")
    ]
    found = [
        f"models: {', '.join(models)}" if models else "",
        f"functions: {', '.join(functions)}" if functions else "",
    ]
    text = "; ".join(x for x in found if x)
    return f"it has {text}" if text else "it defines no Model and no function"


def _as_model(value: Any, where: str) -> Model:
    if isinstance(value, Model):
        return value
    if inspect.isfunction(value) or inspect.ismethod(value) or callable(value) and not isinstance(value, type):
        if not _no_required_parameters(value):
            raise ModelNotFound(f"{where} takes arguments; name a Model or a function of no arguments")
        try:
            got = value()
        except SystemExit as exc:
            raise ModelNotFound(f"{where}() {_exited(exc)}; it must return a flopcast Model") from None
        except Exception as exc:  # the user's code
            message = str(exc).splitlines()[0] if str(exc) else ""
            raise ModelNotFound(f"{where}() raised {type(exc).__name__}: {message}") from exc
        if isinstance(got, Model):
            return got
        raise ModelNotFound(f"{where}() returned {type(got).__name__}, not a flopcast Model")
    raise ModelNotFound(f"{where} is a {type(value).__name__}, not a flopcast Model or a function returning one")
