"""What a queued job knows about its document: plain JSON, because the worker may be another machine.

A worker has the object store and the index, never the scanner's folder: it fetches the original by its
SHA-256 (``originals/<sha256>``). The job key ``<sha256>-<pipeline version>`` makes the work idempotent:
the same bytes are OCR'd once per pipeline version, however often they are queued.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, fields

from config.settings import PIPELINE_VERSION
from ingest import sniff
from workers.pipeline import Options

CHUNKABLE = (sniff.PDF, sniff.TIFF)


@dataclass(frozen=True)
class DocumentSpec:
    doc_id: str
    batch: str
    name: str
    sha256: str
    media_type: str
    size: int
    pages: int | None  # from the header at enqueue time; None when the header could not tell
    options: Options
    pipeline_version: str = PIPELINE_VERSION

    @property
    def key(self) -> str:
        # rq job ids allow letters, digits, dashes and underscores only.
        return f"{self.sha256}-v{self.pipeline_version.replace('.', '_')}"

    def chunks(self, chunk_pages: int) -> list[tuple[int, int]]:
        """Page ranges for page-range jobs, or ``[]`` when the document is one job."""
        if self.media_type not in CHUNKABLE or not self.pages or self.pages <= chunk_pages:
            return []
        return [(first, min(first + chunk_pages - 1, self.pages)) for first in range(1, self.pages + 1, chunk_pages)]

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DocumentSpec:
        data = json.loads(text)
        data["options"] = options_from_json(data["options"])
        return cls(**data)


def options_from_json(data: dict) -> Options:
    """``Options`` back from ``asdict``: nested dataclasses (the quality thresholds) rebuilt, lists as tuples."""
    kwargs = dict(data)
    for f in fields(Options):
        value = kwargs.get(f.name)
        if isinstance(value, dict) and f.default_factory is not MISSING:
            nested = type(f.default_factory())
            kwargs[f.name] = nested(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
    return Options(**kwargs)
