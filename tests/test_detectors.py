"""Conformance suite: every registered detector must pass these checks (as sklearn's check_estimator).

The checks are in ``tests/_conformance.py``, shared with the test of a detector plugged in through its entry
point (``test_plugins.py``)."""

from __future__ import annotations

import pytest

from narrascope.analyze.base import available, get_detector, resolve
from tests._conformance import check_detector


@pytest.fixture(scope="module", params=available())
def detector(request):  # type: ignore[no-untyped-def]
    return get_detector(request.param)


def test_names_are_versioned() -> None:
    names = available()
    assert names, "no detector registered"
    for name in names:
        task, _, version = name.partition(".")
        assert task and version.startswith("v") and version[1:].isdigit(), name


def test_resolve_picks_newest_and_rejects_unknown() -> None:
    assert resolve("genre").startswith("genre.v")
    with pytest.raises(KeyError, match="no detector named"):
        resolve("no-such-detector")


def test_conformance(detector) -> None:  # type: ignore[no-untyped-def]
    check_detector(detector)
