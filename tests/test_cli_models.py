"""The command's models: the built-in list, and a model from a user's file (a Model or a builder function)."""

import pytest

import flopcast as fc
from flopcast.cli_models import ModelNotFound, builtin_models, load_model

USER_FILE = """
import flopcast as fc

def build() -> fc.Model:
    m = fc.Model("mine")
    m.assume("a", fc.uniform(1, 2))
    return m
"""


def test_builtins_put_the_default_first_and_load():
    names = list(builtin_models())
    assert names[0] == "uncertain" and "(default)" in builtin_models()["uncertain"]
    assert load_model("article").name == load_model("article-low").name


def test_a_builder_function_in_a_file_is_found(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(USER_FILE)
    for spec in (str(path), f"{path}:build"):
        model = load_model(spec)
        assert isinstance(model, fc.Model) and model.name == "mine"


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("nosuch", "unknown model 'nosuch'; choose one of uncertain"),
        ("missing.py", "model file 'missing.py' does not exist"),
        ("x.py:1bad", "after ':' give the name of a Model or of a function"),
    ],
)
def test_unknown_models_are_named_errors(spec, match):
    with pytest.raises(ModelNotFound, match=match):
        load_model(spec)


def test_a_missing_name_in_a_file_is_named(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(USER_FILE)
    with pytest.raises(ModelNotFound, match=r"defines no 'other'"):
        load_model(f"{path}:other")


@pytest.mark.parametrize(
    ("source", "spec", "message"),
    [
        ("import sys\nsys.exit(3)\n", "model.py", "model.py called sys.exit(3) when run; a model file must define"),
        ("import sys\n\n\ndef build():\n    sys.exit()\n", "model.py:build", "model.py:build() called sys.exit()"),
    ],
)
def test_a_file_that_exits_is_a_one_line_error_not_the_commands_exit(tmp_path, capsys, source, spec, message):
    """sys.exit(3) at import ended 'flopcast describe' silently with status 3; it is an error naming the file."""
    from flopcast.cli import main

    (tmp_path / "model.py").write_text(source)
    with pytest.raises(ModelNotFound, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_model(str(tmp_path / spec))
    assert main(["describe", str(tmp_path / spec)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"flopcast: error: {tmp_path / 'model.py'}")
