"""How many pages a file has, from its header alone (no decoding): sizes jobs before any worker sees them.

``None`` when the header cannot tell (damaged or exotic files): such a file is one job, and the loader
gives it its proper error.
"""

from __future__ import annotations

import logging

from ingest import header, sniff

log = logging.getLogger(__name__)


def count_pages(path: str, media_type: str, *, max_pages: int) -> int | None:
    try:
        if media_type == sniff.PDF:
            import pikepdf

            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
        frames = header.probe(path, media_type, max_frames=max_pages)
    except Exception as exc:  # header errors, pikepdf's own: a damaged file is the loader's to judge
        log.debug("page count unknown: %s", type(exc).__name__)
        return None
    if frames is None:
        return 1 if media_type in (sniff.PNG, sniff.JPEG) else None
    return sum(not f.reduced for f in frames)
