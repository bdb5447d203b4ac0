"""Calibrations shared by the calibration tests (computed once for the package: NUTS takes seconds)."""

import pytest

from flopcast.analysis.calibration import Calibration, calibrate
from tests.analysis.calibration.models import NUTS, latency_model, latency_observations


@pytest.fixture(scope="package")
def latency_psis() -> Calibration:
    return calibrate(latency_model(), latency_observations(), n=200_000, seed=11)


@pytest.fixture(scope="package")
def latency_nuts() -> Calibration:
    return calibrate(latency_model(), latency_observations(), method="nuts", seed=12, **NUTS)
