"""Detectors: one small interface, registered under versioned names, each with its spec."""

from narrascope.analyze.base import (
    ENTRY_POINT_GROUP,
    Detector,
    Features,
    FeatureSpaceError,
    GivenRoles,
    PluginError,
    available,
    get_detector,
    register,
    spec_of,
    specs,
)
from narrascope.analyze.spec import Attr, DetectorSpec

__all__ = [
    "ENTRY_POINT_GROUP",
    "Attr",
    "Detector",
    "DetectorSpec",
    "FeatureSpaceError",
    "Features",
    "GivenRoles",
    "PluginError",
    "available",
    "get_detector",
    "register",
    "spec_of",
    "specs",
]
