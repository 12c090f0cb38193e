"""What the browser tests share: Debian's chromium, how it is launched, and when a missing browser fails.

A browser test never skips in CI: with ``CI`` or ``NARRASCOPE_REQUIRE_BROWSER`` set (``make test`` sets the
latter), a missing chromium or Playwright fails the test with the command that installs it. Elsewhere (a bare
``pytest`` on a laptop without chromium) the tests skip, saying why.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("NARRASCOPE_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL = "apt-get install -y chromium (as root), or `make test`, which installs it"


def browser_required(env: dict[str, str] | None = None) -> bool:
    """True in CI and under ``make test``: there, a missing browser is a failure, not a skip."""
    env = dict(os.environ) if env is None else env
    return any(env.get(k, "").strip() not in ("", "0", "false") for k in ("CI", "NARRASCOPE_REQUIRE_BROWSER"))


def missing(reason: str) -> None:
    """Fail when the browser is required here, else skip; either way saying what to run."""
    if browser_required():
        pytest.fail(f"{reason}: the browser tests cannot skip in CI. Run: {INSTALL}", pytrace=False)
    pytest.skip(f"{reason} ({INSTALL})")


def need_chromium() -> Path:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} missing")
    return CHROMIUM


def sync_api() -> Any:
    try:
        import playwright.sync_api
    except ImportError:
        missing("Playwright is not installed (pip install -r requirements/dev.txt)")
    return playwright.sync_api
