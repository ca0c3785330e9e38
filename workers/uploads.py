"""Files uploaded through the staff page: received (original first), then processed in the background.

``receive`` keeps the original in the object store before anything else, counts its pages and writes the
upload ledger row (``storage.uploads``). :class:`UploadProcessor` is a thread in the server that takes
waiting rows and hands them to the same pipeline as ``sohoa watch`` through ``workers.watch.make_feeder``
(local processes, or rq jobs when a queue is configured), so request handling never waits for OCR. Of a
server's worker processes only one processes at a time: the one holding an exclusive lock on a file under
``SOHOA_HOME/run``; the others take over if it stops. With ``SOHOA_REDIS_URL`` set, ``make_feeder`` queues the
files for rq workers (``workers.watch.QueueFeeder``) and their records are polled for.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import SohoaError
from ingest.source import describe
from storage import uploads
from storage.keys import original_key
from workers import record as records
from workers.context import Context
from workers.pipeline import Options
from workers.watch import Feeder, Outcome, Taken, make_feeder

log = logging.getLogger(__name__)

_BATCH = re.compile(r"^[^\x00-\x1f/\\]{1,200}$")


class UploadError(SohoaError):
    code = "upload_refused"


def clean_batch_name(name: str) -> str:
    value = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not _BATCH.match(value) or value in (".", ".."):
        raise UploadError("a batch name is 1-200 characters, without / or \\", code="invalid_batch_name")
    return value


def clean_file_name(name: str) -> str:
    """The file's own name (no folders), NFC, without control characters; what the record will show."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(ch for ch in base if ch >= " " and ch != "\x7f").strip()
    if not base or base in (".", "..") or base.startswith("."):
        raise UploadError("the file needs a name (not starting with a dot)", code="invalid_file_name")
    return base[:200]


def spool_dir(ctx: Context) -> Path:
    return ctx.settings.home / "uploads"


def new_spool_path(ctx: Context, name: str) -> Path:
    folder = spool_dir(ctx) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def count_pages(path: Path, media_type: str) -> int | None:
    """Pages of a file, cheaply, for the batch's estimate; None when it cannot tell (the pipeline decides)."""
    try:
        if media_type == "application/pdf":
            import pikepdf

            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
        if media_type == "image/tiff":
            from PIL import Image

            with Image.open(path) as image:
                return getattr(image, "n_frames", 1)
        return 1
    except Exception:  # a damaged file: the pipeline will say why, with its own code
        return None


def receive(ctx: Context, batch: str, path: Path, *, user: str) -> uploads.Upload:
    """A file written to ``path`` (a spool path): its original stored, its ledger row written (waiting)."""
    source = describe(path)
    if not ctx.store.exists(original_key(source.sha256)):
        ctx.store.put_file(original_key(source.sha256), path, content_type=source.media_type)
    doc_id = records.make_doc_id(source.sha256, batch, source.name)
    new = uploads.NewUpload(doc_id, batch, source.name, source.sha256, source.size,
                            count_pages(path, source.media_type), str(path), user)
    upload = uploads.add(ctx.index, new)
    log.info("upload %s into batch %s: document %s (%d bytes)", upload.id, batch, doc_id, source.size)
    return upload


def retry_failed(ctx: Context, batch: str, *, user: str) -> int:
    """Every failed document of ``batch`` not already on its way, sent again from its stored original."""
    on_the_way = {u.doc_id for u in uploads.pending(ctx.index, batch)}
    count = 0
    for record in ctx.index.records(ctx.index.doc_ids(batch=batch, status="failed")):
        if record["doc_id"] in on_the_way:
            continue
        source = record["source"]
        path = new_spool_path(ctx, source["name"])
        ctx.store.download(original_key(source["sha256"]), path)
        receive(ctx, batch, path, user=user)
        count += 1
    log.info("batch %s: %d failed document(s) sent again by %s", batch, count, user)
    return count


def pipeline_options(ctx: Context) -> Options:
    return Options.from_settings(ctx.settings)


@dataclass
class UploadProcessor:
    """The background thread of one server process. ``feeder`` defaults to ``make_feeder`` (tests may pass
    another one)."""

    ctx: Context
    jobs: int = 1
    batch_size: int = 8
    idle_seconds: float = 1.0
    feeder: Feeder | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock_file: object | None = None
    _in_flight: list[tuple[uploads.Upload, Taken]] = field(default_factory=list)

    @property
    def lock_path(self) -> Path:
        return self.ctx.settings.run_dir / "upload-processor.lock"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sohoa-uploads", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._lock_file is not None:
            self._lock_file.close()  # releases the lock: another process takes over
            self._lock_file = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._hold_lock():
                    self._stop.wait(5.0)
                    continue
                if not self.step():
                    self._wake.wait(self.idle_seconds)
                    self._wake.clear()
            except Exception:
                # The index or the store is unreachable: the rows stay as they are and are taken again.
                log.exception("upload processing round failed; retrying")
                self._stop.wait(5.0)

    def _hold_lock(self) -> bool:
        if self._lock_file is not None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "a+b")  # noqa: SIM115  (held open as long as this process processes)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lock_file = handle
        released = uploads.release(self.ctx.index)  # rows a stopped processor left half-done
        if released:
            log.warning("%d upload(s) left processing by a stopped server taken again", released)
        return True

    def step(self) -> bool:
        """One round: poll what is in flight elsewhere, then feed what waits. True when work was done."""
        if self.feeder is None:
            self.feeder = make_feeder(self.ctx, pipeline_options(self.ctx), self.jobs)
        if self._in_flight:
            items = list(self._in_flight)
            self._settle(items, self.feeder.poll([t for _, t in items]))
        claimed = uploads.claim(self.ctx.index, self.batch_size)
        if not claimed:
            return False
        items = [(u, self._taken(u)) for u in claimed]
        try:
            outcomes = self.feeder.feed([t for _, t in items])
        except BaseException:
            uploads.release(self.ctx.index, [u.id for u in claimed])
            raise
        self._in_flight = [item for item in self._in_flight if item not in items]
        self._settle(items, outcomes)
        return True

    def _taken(self, upload: uploads.Upload) -> Taken:
        path = Path(upload.spool_path)
        if not path.exists():  # received by another server, or the spool was cleaned: the original is kept
            path = new_spool_path(self.ctx, upload.source_name)
            self.ctx.store.download(original_key(upload.source_sha256), path)
        st = path.stat()
        return Taken(path, Path(path.name), st.st_size, st.st_mtime_ns, upload.source_sha256, upload.batch,
                     datetime.now(UTC))

    def _settle(self, items: list[tuple[uploads.Upload, Taken]], outcomes: list[Outcome | None]) -> None:
        done = []
        for (upload, taken), outcome in zip(items, outcomes, strict=True):
            if outcome is None:
                if (upload, taken) not in self._in_flight:
                    self._in_flight.append((upload, taken))
                continue
            done.append(upload.id)
            if (upload, taken) in self._in_flight:
                self._in_flight.remove((upload, taken))
            shutil.rmtree(taken.path.parent, ignore_errors=True)
            if Path(upload.spool_path).parent != taken.path.parent:
                shutil.rmtree(Path(upload.spool_path).parent, ignore_errors=True)
        uploads.mark_recorded(self.ctx.index, done)


def processor_jobs(ctx: Context) -> int:
    return max(1, min(ctx.settings.jobs, os.cpu_count() or 1))
