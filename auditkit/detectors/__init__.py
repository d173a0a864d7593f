"""Detectors: each a small unit with one contract (:class:`auditkit.detectors.base.Detector`)."""

from auditkit.detectors.base import (
    Detector,
    DetectorResult,
    Finding,
    Severity,
    available_detectors,
    get_detector,
    register,
)

__all__ = [
    "Detector",
    "DetectorResult",
    "Finding",
    "Severity",
    "available_detectors",
    "get_detector",
    "register",
]
