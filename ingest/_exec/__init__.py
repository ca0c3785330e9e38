"""Thin wrappers around external programs, one module per tool (in the spirit of OCRmyPDF's ``_exec``).

All of them go through :func:`run`: a timeout on every call, and a typed error carrying the tool's own
last words when it fails, so a stuck or broken tool never stalls or silently passes a batch.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence

from ingest.errors import ToolError, ToolMissingError, ToolTimeoutError

log = logging.getLogger(__name__)

_STDERR_TAIL = 2000


def run(tool: str, args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``tool`` with ``args``; return the finished process, or raise a ToolError subclass."""
    try:
        proc = subprocess.run(
            [tool, *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError as e:
        raise ToolMissingError(f"{tool} is not installed (Debian: poppler-utils)", tool=tool) from e
    except subprocess.TimeoutExpired as e:
        # subprocess.run has already killed the child.
        raise ToolTimeoutError(
            f"{tool} did not finish within {timeout:.0f} s", tool=tool, stderr=stderr_text(e.stderr)
        ) from e
    if proc.returncode != 0:
        err = stderr_text(proc.stderr)
        last = err.strip().splitlines()[-1] if err.strip() else "no message"
        raise ToolError(
            f"{tool} failed (exit code {proc.returncode}): {last}", tool=tool, returncode=proc.returncode, stderr=err
        )
    return proc


def stderr_text(data: bytes | str | None) -> str:
    if not data:
        return ""
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return text[-_STDERR_TAIL:]
