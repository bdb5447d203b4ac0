"""Nodes: names are identifiers, not reserved, strings; derived functions name each input."""

import pytest

import flopcast as fc


@pytest.mark.parametrize("name", ["1abc", "with space", "class", "a-b", ""])
def test_invalid_identifier(name):
    with pytest.raises(ValueError, match="not a valid Python identifier"):
        fc.Model("m").assume(name, 1)


@pytest.mark.parametrize("name", ["chain", "draw", "stat"])
def test_reserved_names(name):
    with pytest.raises(ValueError, match="reserved"):
        fc.Model("m").assume(name, 1)


def test_non_string_name_and_bad_value_types():
    m = fc.Model("m")
    with pytest.raises(TypeError, match="name must be a string"):
        m.assume(3, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'a'"):
        m.assume("a", "ten")
    with pytest.raises(TypeError, match="'b'"):
        m.assume("b", None)


def test_derived_varargs_refused():
    m = fc.Model("m")
    with pytest.raises(TypeError, match=r"\*args"):
        m.add(fc.Derived("s", lambda *xs: sum(xs)))
