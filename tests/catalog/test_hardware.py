"""Tests for flopcast.catalog.hardware."""

import dataclasses
import math
from collections.abc import Iterator

import pytest

from flopcast.catalog.hardware import (
    A100_SXM,
    B200_HGX,
    H100_SXM,
    H200_SXM,
    Accelerator,
    accelerators,
    get_accelerator,
    register_accelerator,
    unregister_accelerator,
)


@pytest.fixture
def toy() -> Iterator[Accelerator]:
    acc = Accelerator("Toy-X1", 1e15, 2e15, 32, "toy datasheet", aliases=("ToyX",))
    yield acc
    for name in ("Toy-X1", "Toy-X2"):
        try:
            unregister_accelerator(name)
        except ValueError:
            pass


def test_builtin_values() -> None:
    assert H100_SXM.peak_bf16_flop_per_s == 989.4e12
    assert H100_SXM.peak_fp8_flop_per_s == 1979e12
    assert H200_SXM.peak_bf16_flop_per_s == 989.4e12
    assert H200_SXM.peak_fp8_flop_per_s == 1979e12
    assert H200_SXM.memory_gb == 141
    assert A100_SXM.peak_bf16_flop_per_s == 312e12
    assert A100_SXM.peak_fp8_flop_per_s is None
    assert B200_HGX.peak_bf16_flop_per_s == 2250e12
    assert B200_HGX.peak_fp8_flop_per_s == 4500e12
    for acc in (H100_SXM, H200_SXM, A100_SXM, B200_HGX):
        assert "datasheet" in acc.source
        assert acc in accelerators()


def test_accelerators_is_tuple_of_unique() -> None:
    accs = accelerators()
    assert isinstance(accs, tuple)
    assert len({a.name for a in accs}) == len(accs)
    assert [a.name for a in accs][:4] == ["H100-SXM", "H200-SXM", "A100-SXM", "B200-HGX"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("H100", H100_SXM),
        ("h100-sxm", H100_SXM),
        ("H100 SXM", H100_SXM),
        ("  h100_sxm5 ", H100_SXM),
        ("H200", H200_SXM),
        ("a100", A100_SXM),
        ("A100-SXM4", A100_SXM),
        ("b200", B200_HGX),
        ("HGX B200", B200_HGX),
    ],
)
def test_lookup_aliases(query: str, expected: Accelerator) -> None:
    assert get_accelerator(query) is expected


def test_unknown_name_lists_known() -> None:
    with pytest.raises(ValueError, match="unknown accelerator 'TPU v5p'") as err:
        get_accelerator("TPU v5p")
    for name in ("H100-SXM", "H200-SXM", "A100-SXM", "B200-HGX"):
        assert name in str(err.value)
    with pytest.raises(ValueError, match="non-empty"):
        get_accelerator("  ")


def test_peak_by_precision() -> None:
    assert H100_SXM.peak_flop_per_s("fp8") == 1979e12
    assert H100_SXM.peak_flop_per_s("BF16") == 989.4e12
    with pytest.raises(ValueError, match="no FP8"):
        A100_SXM.peak_flop_per_s("fp8")
    with pytest.raises(ValueError, match="unknown precision"):
        A100_SXM.peak_flop_per_s("int4")


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        H100_SXM.peak_bf16_flop_per_s = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "name must be a non-empty"),
        ({"name": "   "}, "name must be a non-empty"),
        ({"source": ""}, "source must be a non-empty"),
        ({"peak_bf16_flop_per_s": 0.0}, "peak_bf16_flop_per_s must be positive"),
        ({"peak_bf16_flop_per_s": -1e12}, "peak_bf16_flop_per_s must be positive"),
        ({"peak_bf16_flop_per_s": math.inf}, "peak_bf16_flop_per_s must be positive"),
        ({"peak_bf16_flop_per_s": math.nan}, "peak_bf16_flop_per_s must be positive"),
        ({"peak_bf16_flop_per_s": None}, "peak_bf16_flop_per_s is required"),
        ({"peak_bf16_flop_per_s": "1e15"}, "must be a real number"),
        ({"peak_fp8_flop_per_s": 0}, "peak_fp8_flop_per_s must be positive"),
        ({"memory_gb": -80}, "memory_gb must be positive"),
        ({"aliases": "H100"}, "aliases must be a sequence"),
        ({"aliases": ("",)}, "alias must be a non-empty"),
    ],
)
def test_validation(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "name": "X",
        "peak_bf16_flop_per_s": 1e15,
        "peak_fp8_flop_per_s": None,
        "memory_gb": None,
        "source": "s",
    }
    base.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Accelerator(**base)  # type: ignore[arg-type]


def test_aliases_list_is_copied_not_mutated() -> None:
    aliases = ["a-1", "a-2"]
    acc = Accelerator("A", 1e12, None, None, "s", aliases=aliases)  # type: ignore[arg-type]
    assert acc.aliases == ("a-1", "a-2")
    assert aliases == ["a-1", "a-2"]
    assert acc.peak_bf16_flop_per_s == 1e12
    assert isinstance(Accelerator("B", 10**15, None, 80, "s").peak_bf16_flop_per_s, float)


def test_register_and_lookup(toy: Accelerator) -> None:
    before = accelerators()
    assert register_accelerator(toy) is toy
    assert get_accelerator("toy x1") is toy
    assert get_accelerator("TOYX") is toy
    assert accelerators() == (*before, toy)
    assert toy.name == "Toy-X1" and toy.aliases == ("ToyX",)  # untouched


def test_register_duplicate_rejected(toy: Accelerator) -> None:
    register_accelerator(toy)
    dup = Accelerator("toy_x1", 5e15, None, None, "other")
    with pytest.raises(ValueError, match="already registered.*replace=True"):
        register_accelerator(dup)
    assert get_accelerator("Toy-X1") is toy
    # alias clash with a built-in
    clash = Accelerator("Toy-X2", 5e15, None, None, "other", aliases=("H100",))
    with pytest.raises(ValueError, match="H100-SXM"):
        register_accelerator(clash)
    assert get_accelerator("H100") is H100_SXM
    assert get_accelerator("Toy-X1") is toy
    with pytest.raises(ValueError, match="unknown accelerator"):
        get_accelerator("Toy-X2")  # nothing half-registered


def test_register_replace(toy: Accelerator) -> None:
    register_accelerator(toy)
    newer = Accelerator("Toy-X1", 3e15, None, None, "rev 2")
    assert register_accelerator(newer, replace=True) is newer
    assert get_accelerator("toy-x1") is newer
    with pytest.raises(ValueError):
        get_accelerator("ToyX")  # the old entry went away with all its aliases
    assert toy not in accelerators()


def test_register_rejects_non_accelerator_and_self_duplicates() -> None:
    with pytest.raises(TypeError):
        register_accelerator("H100")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="duplicate"):
        register_accelerator(Accelerator("Toy-Q", 1e12, None, None, "s", aliases=("toy q",)))


def test_unregister_unknown() -> None:
    with pytest.raises(ValueError, match="unknown accelerator"):
        unregister_accelerator("nope")
