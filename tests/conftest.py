"""Shared fixtures: a private SOHOA_HOME per test, the console script, synthetic degraded scans, the S3 test
server, and the index database on both engines (SQLite in the test's folder, PostgreSQL test clusters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.fixtures import private_rgw, rgw, s3_url  # noqa: F401  (fixtures of the S3 test server)
from tests.servers.postgres_fixtures import database_url, index, pg_server, pg_url  # noqa: F401  (the index database)
from tests.web_browser_support import browser, driver  # noqa: F401  (one Chromium per session, for page tests)

SOHOA = str(Path(sys.executable).with_name("sohoa"))


@pytest.fixture(autouse=True)
def _one_thread_tesseract(monkeypatch):
    # Two test workers on two cores: Tesseract's OpenMP threads would oversubscribe them.
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")


def run_sohoa(
    home: Path, *args: str, check: bool = False, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The installed ``sohoa`` console script, as a user runs it; embedded defaults unless ``env`` says
    otherwise (e.g. ``{"SOHOA_STORAGE_URL": s3_url}``)."""
    base = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_JOBS": "2", "COLUMNS": "160"}
    base.pop("SOHOA_STORAGE_URL", None)
    base.pop("SOHOA_DATABASE_URL", None)
    env = {**base, **(env or {})}
    proc = subprocess.run([SOHOA, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"sohoa {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}\n{proc.stdout}")
    return proc


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Kept on the test item so fixtures (the browser's) can tell, at teardown, whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
