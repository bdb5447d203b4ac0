"""Build-time checks: a scalar trial at the point values and a unit trial on pint quantities, per node."""

import numpy as np
import pytest

import flopcast as fc


def test_derived_function_that_raises_on_scalar_test():
    m = fc.Model("m")
    m.assume("x", 2.0)
    with pytest.raises(ValueError, match=r"derived 'bad'.*raised KeyError.*scalar test"):

        @m.derive
        def bad(x):
            return {}["missing"]


def test_derived_nonfinite_at_point_values():
    m = fc.Model("m")
    m.assume("x", 0.0)
    with pytest.raises(ValueError, match=r"derived 'inv'.*gives inf"):

        @m.derive
        def inv(x):
            return 1 / np.asarray(x)


def test_unit_mismatch_declared_vs_computed():
    m = fc.Model("m")
    m.assume("flop", 1e21, unit="FLOP")
    m.assume("rate", 1e15, unit="FLOP/s")
    with pytest.raises(ValueError, match=r"derived 'time'.*unit mismatch.*declared 'GPU'"):

        @m.derive(unit="GPU")
        def time(flop, rate):
            return flop / rate


def test_unit_mismatch_inside_formula():
    m = fc.Model("m")
    m.assume("flop", 1e21, unit="FLOP")
    m.assume("gpus", 10, unit="GPU")
    with pytest.raises(ValueError, match=r"derived 'nonsense'.*unit mismatch inside its formula"):

        @m.derive(unit="FLOP")
        def nonsense(flop, gpus):
            return flop + gpus


def test_mac_and_flop_are_different_dimensions():
    m = fc.Model("m")
    m.assume("macs", 5e11, unit="MAC")
    with pytest.raises(ValueError, match="unit mismatch"):

        @m.derive(unit="FLOP")
        def flop(macs):
            return macs

    m.assume("flop_per_mac", 2, unit="FLOP/MAC")

    @m.derive(unit="FLOP")
    def flop_ok(macs, flop_per_mac):
        return macs * flop_per_mac

    assert m.point()["flop_ok"] == 1e12


def test_unknown_unit():
    with pytest.raises(ValueError, match=r"assumption 'a'.*unit 'parsecz'"):
        fc.Model("m").assume("a", 1, unit="parsecz")
