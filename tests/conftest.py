"""Shared fixtures. Tests that need the annotated corpora skip cleanly when ../shared/datasets is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NARRASCOPE_DATA", ROOT.parent / "shared" / "datasets"))
EXAMPLE = ROOT / "examples" / "interview.txt"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA / "semeval2023_task3").is_dir():
        pytest.skip(f"annotated corpora not found at {DATA}")
    return DATA


@pytest.fixture(scope="session")
def semeval2025_dir() -> Path:
    """The corpora folder, when it holds the SemEval-2025 Task 10 training data (narratives, roles)."""
    if not (DATA / "semeval2025_task10" / "train").is_dir():
        pytest.skip(f"semeval2025_task10 not found under {DATA}")
    return DATA


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def analyzer():  # type: ignore[no-untyped-def]
    from narrascope import Analyzer

    return Analyzer()
