"""`make test` on a fresh machine runs the browser tests: it installs chromium when it can, or fails with the
command to run; under CI or `make test` a browser test fails rather than skips when chromium is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import _browser

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "0"}, False),
        ({"NARRASCOPE_REQUIRE_BROWSER": "1"}, True),
        ({"CI": "", "NARRASCOPE_REQUIRE_BROWSER": ""}, False),
    ],
)
def test_browser_is_required_in_ci_and_under_make(env: dict[str, str], required: bool) -> None:
    assert _browser.browser_required(env) is required


def test_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        _browser.need_chromium()
    monkeypatch.delenv("CI")
    monkeypatch.delenv("NARRASCOPE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _browser.need_chromium()


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_test_requires_the_browser_and_says_so() -> None:
    plan = subprocess.run(
        ["make", "-n", "test", "STAMP_DEV="], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "NARRASCOPE_REQUIRE_BROWSER=1" in plan and "pytest -q" in plan
    assert "apt-get install -y -qq chromium" in plan  # the browser target runs first


@needs_make
def test_make_browser_without_root_fails_with_the_command_to_run(tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text("#!/bin/sh\necho 1000\n")
    (fake / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    cmd = ["make", "-s", "browser", "CHROMIUM=/nonexistent/chromium"]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0
    assert "sudo apt-get install -y chromium" in r.stderr
    ok = subprocess.run(["make", "-s", "browser", "CHROMIUM=/bin/sh"], cwd=ROOT, env=env, capture_output=True)
    assert ok.returncode == 0  # present: nothing to do
