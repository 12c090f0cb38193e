"""Detectors: one small interface, registered under versioned names."""

from narrascope.analyze.base import Detector, Features, available, get_detector, register

__all__ = ["Detector", "Features", "available", "get_detector", "register"]
