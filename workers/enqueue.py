"""``sohoa ingest --queue``: keep every original, note every document in the intake ledger, then queue them.

The order is the point: originals first (nothing a clerk scanned is lost even if no worker ever runs), then
the ledger (the batch is known and counted), then one rq job per document. A document already recorded is
left alone, one whose bytes were already recorded as another document becomes its duplicate at once, as in
a local run. Running the same command again is safe: it queues only what is neither recorded nor in flight,
which is also how documents whose jobs were lost (a Redis without persistence restarted) are queued again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.count import count_pages
from ingest.source import describe, discover
from storage import intake
from storage.keys import original_key
from workers import record as records
from workers.context import Context
from workers.pipeline import Options, write_record
from workers.queue import JobQueues, patiently
from workers.spec import DocumentSpec

log = logging.getLogger(__name__)


@dataclass
class Submitted:
    """What ``ingest --queue`` did with each input file."""

    batch: str
    files: int = 0
    enqueued: int = 0
    already_queued: int = 0  # the same document is still in flight
    twins: int = 0  # the same bytes are in flight as another document: a duplicate of it when it ends
    unchanged: int = 0  # recorded already
    duplicates: int = 0  # the same bytes were recorded already as another document
    pages: int = 0


def enqueue_paths(paths: Iterable[str | Path], options: Options, ctx: Context, queues: JobQueues) -> Submitted:
    store, index = ctx.store, ctx.index
    files = discover(paths)
    out = Submitted(options.batch, files=len(files))
    specs: list[DocumentSpec] = []
    for path in files:
        source = describe(path)
        if not store.exists(original_key(source.sha256)):
            store.put_file(original_key(source.sha256), path, content_type=source.media_type)
        doc_id = records.make_doc_id(source.sha256, options.batch, source.name)
        if index.status_of(doc_id) in ("done", "review", "duplicate"):
            out.unchanged += 1
            continue
        primary = index.find_primary_by_sha(source.sha256)
        if primary is not None and primary["doc_id"] != doc_id:
            write_record(store, index, records.duplicate_record(doc_id, options.batch, source, primary))
            out.duplicates += 1
            continue
        pages = count_pages(source.path, source.media_type, max_pages=options.max_pages)
        specs.append(
            DocumentSpec(
                doc_id, options.batch, source.name, source.sha256, source.media_type, source.size, pages, options
            )
        )
        out.pages += pages or 0
    intake.receive(index, [ledger_row(spec) for spec in specs])
    for spec in specs:
        submit(ctx, queues, spec, out)
    log.info("batch %s: %d file(s), %d queued, %d unchanged", options.batch, out.files, out.enqueued, out.unchanged)
    return out


def ledger_row(spec: DocumentSpec) -> dict:
    return {
        "doc_id": spec.doc_id,
        "batch": spec.batch,
        "source_name": spec.name,
        "source_sha256": spec.sha256,
        "pages": spec.pages,
        "spec": spec.to_json(),
    }


def submit(ctx: Context, queues: JobQueues, spec: DocumentSpec, out: Submitted) -> None:
    outcome, owner = patiently(lambda: queues.submit(spec), what=f"queuing document {spec.doc_id}")
    if outcome == "enqueued":
        out.enqueued += 1
    elif outcome == "already_queued":
        out.already_queued += 1
    else:
        out.twins += 1
        # The twin was added before this check; the owner's job reads the twins after recording. Whichever
        # comes second settles the twin (twice is harmless: the same record).
        if owner and intake.state_of(ctx.index, owner) == intake.RECORDED:
            from workers.jobs import settle_twin

            primary = ctx.index.get_record(owner)
            if primary is not None:
                settle_twin(ctx, spec, primary)


def requeue_lost(ctx: Context, queues: JobQueues, batch: str | None = None) -> int:
    """Queue again the documents the ledger says are pending but no job carries (Redis lost them)."""
    count = 0
    for raw in intake.pending_specs(ctx.index, batch):
        spec = DocumentSpec.from_json(raw)
        if queues.live_owner(spec.key) is None:
            log.warning("document %s had no job (lost with Redis?): queued again", spec.doc_id)
            submit(ctx, queues, spec, Submitted(spec.batch))
            count += 1
    return count
