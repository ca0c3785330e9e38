"""pdftotext: the text layer a PDF already carries, page by page."""

from __future__ import annotations

from pathlib import Path

from ingest._exec import run

DEFAULT_TIMEOUT = 60.0
PER_PAGE_TIMEOUT = 2.0


def page_text(pdf: Path, page: int, *, timeout: float = DEFAULT_TIMEOUT) -> str:
    proc = run(
        "pdftotext", ["-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf.absolute()), "-"], timeout=timeout
    )
    return proc.stdout.decode("utf-8", errors="replace").rstrip("\f")


def page_texts(pdf: Path, n_pages: int, *, timeout: float | None = None) -> list[str]:
    """The text of every page, from one pdftotext run (it ends each page with a form feed).

    Falls back to one run per page if the split does not come out at ``n_pages`` (a form feed inside the
    text itself).
    """
    budget = timeout if timeout is not None else DEFAULT_TIMEOUT + PER_PAGE_TIMEOUT * n_pages
    proc = run("pdftotext", ["-enc", "UTF-8", str(pdf.absolute()), "-"], timeout=budget)
    parts = proc.stdout.decode("utf-8", errors="replace").split("\f")
    if len(parts) == n_pages + 1 and not parts[-1].strip():
        return parts[:-1]
    return [page_text(pdf, n) for n in range(1, n_pages + 1)]
