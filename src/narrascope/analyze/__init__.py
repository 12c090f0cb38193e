"""Detectors: one small interface, registered under versioned names."""

from narrascope.analyze.base import (
    ENTRY_POINT_GROUP,
    Detector,
    Features,
    PluginError,
    available,
    get_detector,
    register,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Detector",
    "Features",
    "PluginError",
    "available",
    "get_detector",
    "register",
]
