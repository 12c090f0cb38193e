"""Conformance suite: every registered detector must pass these checks (as sklearn's check_estimator).

The checks are in ``tests/_conformance.py``, shared with the test of a detector plugged in through its entry
point (``test_plugins.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from narrascope.analyze.base import available, builtin_specs, get_detector, resolve, specs
from tests._conformance import check_detector, check_spec, package_problems


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


def test_every_spec_conforms() -> None:
    """The spec checks alone, without loading a model: for a built-in detector, its folder's writers too."""
    assert set(builtin_specs()) <= set(specs())
    for name, spec in specs().items():
        check_spec(name, spec)


def test_a_built_in_spec_without_its_package_writer_is_caught() -> None:
    genre = builtin_specs()["genre.v1"]
    assert package_problems("genre.v1", genre) == []
    bare = replace(genre, writers=())  # names semeval2023-st1 but carries no writer of it
    assert any("the spec's writer" in p for p in package_problems("genre.v1", bare))
    other = replace(genre, writers=builtin_specs()["frames.v1"].writers, formats=("semeval2023-st2",))
    assert any("no writer of 'semeval2023-st2'" in p for p in package_problems("genre.v1", other))
