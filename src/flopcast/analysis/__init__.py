"""Analyses on top of the engine: audit of the article, sensitivity, calibration."""
