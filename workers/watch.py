"""``sohoa watch``: taking scans from a scanner's output folder as they arrive.

A file is taken once its size and modification time have not changed for ``settle_seconds`` (a scanner
writing it is still at work before that); names scanners and copy tools use for files in progress
(``.tmp``, ``.part``, ``~...``, hidden files) are left alone. Taken files go through the same pipeline as
``sohoa ingest`` (one :class:`Feeder` call) and are then moved, never deleted: into ``DIR/.done/`` or, with a
``NAME.reason.txt`` beside them saying why, into ``DIR/.failed/`` (sub-folders kept, clashing names numbered).
A file that changed while it was processed is left where it is and taken again once it settles.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from ingest.source import describe
from workers import record as records
from workers.batch import ingest_paths
from workers.context import Context
from workers.pipeline import Options

log = logging.getLogger(__name__)

DONE, FAILED = ".done", ".failed"
DEFAULT_IGNORE = (".*", "~*", "*~", "*.tmp", "*.temp", "*.part", "*.partial", "*.crdownload", "*.download",
                  "*.filepart", "*.lock", "*.swp", "thumbs.db", "desktop.ini", "*.reason.txt")
# A zero-byte file is usually a scan just created; it is taken (and refused as empty) only after this long.
EMPTY_GRACE_FACTOR = 6


@dataclass(frozen=True)
class Taken:
    path: Path
    relative: Path  # under the watched folder: kept under .done/.failed
    size: int
    mtime_ns: int
    sha256: str
    batch: str
    taken_at: datetime


@dataclass(frozen=True)
class Outcome:
    status: str  # the record's: done | review | duplicate | failed
    doc_id: str
    code: str | None = None
    message: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class Feeder(Protocol):
    """How taken files reach the pipeline. ``feed`` returns each file's outcome, or None while it is still
    being processed elsewhere (a queue); ``poll`` is asked again for those on later rounds."""

    def feed(self, taken: list[Taken]) -> list[Outcome | None]: ...
    def poll(self, taken: list[Taken]) -> list[Outcome | None]: ...


def outcome_in_index(ctx: Context, item: Taken) -> Outcome | None:
    doc_id = records.make_doc_id(item.sha256, item.batch, item.path.name)
    record = ctx.index.get_record(doc_id)
    if record is None:
        return None
    error = record.get("error") or {}
    return Outcome(record["status"], doc_id, error.get("code"), error.get("message"))


@dataclass
class LocalFeeder:
    """The pipeline in local processes, exactly as ``sohoa ingest`` runs it."""

    ctx: Context
    options: Options
    jobs: int = 1

    def feed(self, taken: list[Taken]) -> list[Outcome | None]:
        by_batch: dict[str, list[Taken]] = {}
        for item in taken:
            by_batch.setdefault(item.batch, []).append(item)
        for batch, items in by_batch.items():
            ingest_paths([i.path for i in items], replace(self.options, batch=batch), self.ctx, jobs=self.jobs)
        return self.poll(taken)

    def poll(self, taken: list[Taken]) -> list[Outcome | None]:
        return [outcome_in_index(self.ctx, item) for item in taken]


@dataclass
class QueueFeeder:
    """Taken files queued like ``sohoa ingest --queue``: originals stored, jobs for the rq workers.

    ``feed`` answers only for files already settled (unchanged, duplicates); the others stay where they
    are until their records exist, which ``poll`` finds in the index once a worker has written them.
    """

    ctx: Context
    options: Options

    def feed(self, taken: list[Taken]) -> list[Outcome | None]:
        from workers.enqueue import enqueue_paths
        from workers.queue import open_queues

        queues = open_queues(self.ctx.settings)
        by_batch: dict[str, list[Taken]] = {}
        for item in taken:
            by_batch.setdefault(item.batch, []).append(item)
        for batch, items in by_batch.items():
            enqueue_paths([i.path for i in items], replace(self.options, batch=batch), self.ctx, queues)
        return self.poll(taken)

    def poll(self, taken: list[Taken]) -> list[Outcome | None]:
        return [outcome_in_index(self.ctx, item) for item in taken]


def make_feeder(ctx: Context, options: Options, jobs: int) -> Feeder:
    """The one place that decides how watched files are processed: rq jobs when ``SOHOA_REDIS_URL`` is set,
    else local processes."""
    if ctx.settings.redis_url:
        return QueueFeeder(ctx, options)
    return LocalFeeder(ctx, options, jobs)


@dataclass
class WatchOptions:
    settle_seconds: float = 5.0
    poll_seconds: float = 1.0
    batch: str | None = None  # fixed batch name; else by day or the folder's name
    batch_per_day: bool = False
    ignore: tuple[str, ...] = DEFAULT_IGNORE


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # monotonic time this size and mtime were first seen


@dataclass
class Watcher:
    root: Path
    feeder: Feeder
    options: WatchOptions = field(default_factory=WatchOptions)
    report: Callable[[str], None] = lambda line: None
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], date] = date.today
    _seen: dict[Path, _Seen] = field(default_factory=dict)
    _pending: list[Taken] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = Path(self.root).absolute()

    def batch_name(self) -> str:
        if self.options.batch:
            return self.options.batch
        if self.options.batch_per_day:
            return f"watch-{self.today().isoformat()}"
        return self.root.name or "watch"

    # -- one round ---------------------------------------------------------------------------------------

    def step(self) -> list[tuple[Taken, Outcome]]:
        """Look at the folder once: take what has settled, feed it, move what is finished."""
        finished = self._settle(self._pending, self.feeder.poll(self._pending)) if self._pending else []
        ready = self._ready()
        if ready:
            taken = [t for t in (self._take(path) for path in ready) if t is not None]
            if taken:
                self.report(f"taking {len(taken)} file(s) into batch {taken[0].batch}: "
                            + ", ".join(str(t.relative) for t in taken))
                finished += self._settle(taken, self.feeder.feed(taken))
        return finished

    def run(self, stop: threading.Event) -> None:
        """Rounds until ``stop`` is set; the round in progress is always finished first."""
        self.report(f"watching {self.root} (files taken after {self.options.settle_seconds:g} s unchanged)")
        while not stop.is_set():
            try:
                self.step()
            except Exception:
                # The index or the store is unreachable: files stay where they are and are taken again.
                log.exception("watch round failed; retrying")
                stop.wait(max(10 * self.options.poll_seconds, 5.0))
                continue
            stop.wait(self.options.poll_seconds)
        self.report("stopped")

    # -- finding settled files ---------------------------------------------------------------------------

    def candidates(self) -> dict[Path, os.stat_result]:
        found = {}
        pending = {t.path for t in self._pending}
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # .done, .failed, hidden
            for name in sorted(filenames):
                if self._ignored(name):
                    continue
                path = Path(dirpath, name)
                if path in pending:
                    continue
                try:
                    st = path.stat()
                except FileNotFoundError:  # moved away between listing and looking
                    continue
                if os.path.isfile(path):
                    found[path] = st
        return found

    def _ignored(self, name: str) -> bool:
        low = name.lower()
        return any(fnmatch.fnmatchcase(low, pattern.lower()) for pattern in self.options.ignore)

    def _ready(self) -> list[Path]:
        now = self.clock()
        files = self.candidates()
        for gone in set(self._seen) - set(files):
            del self._seen[gone]
        ready = []
        for path, st in files.items():
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now)
                continue
            wait = self.options.settle_seconds * (EMPTY_GRACE_FACTOR if st.st_size == 0 else 1)
            if now - seen.since >= wait:
                ready.append(path)
        return ready

    def _take(self, path: Path) -> Taken | None:
        seen = self._seen.pop(path)
        try:
            source = describe(path)
            st = path.stat()
        except OSError as exc:
            log.warning("%s: cannot be read yet (%s); will try again", path.name, exc)
            return None
        if (st.st_size, st.st_mtime_ns) != (seen.size, seen.mtime_ns) or source.size != st.st_size:
            return None  # written to while being read: not settled after all
        return Taken(path, path.relative_to(self.root), st.st_size, st.st_mtime_ns, source.sha256,
                     self.batch_name(), datetime.now(UTC))

    # -- after processing --------------------------------------------------------------------------------

    def _settle(self, taken: list[Taken], outcomes: list[Outcome | None]) -> list[tuple[Taken, Outcome]]:
        self._pending = [t for t, o in zip(taken, outcomes, strict=True) if o is None] + [
            t for t in self._pending if t not in taken
        ]
        finished = []
        for item, outcome in zip(taken, outcomes, strict=True):
            if outcome is None:
                continue
            if not self._unchanged(item):
                self.report(f"{item.relative} changed while it was processed: it will be taken again")
                continue
            target = self._move(item, outcome)
            where = f"{FAILED} ({outcome.code})" if outcome.failed else DONE
            self.report(f"{item.relative}: {outcome.status} → {where}/{target.relative_to(self._dir(outcome))}")
            finished.append((item, outcome))
        return finished

    def _unchanged(self, item: Taken) -> bool:
        try:
            st = item.path.stat()
        except FileNotFoundError:
            return False
        return (st.st_size, st.st_mtime_ns) == (item.size, item.mtime_ns)

    def _dir(self, outcome: Outcome) -> Path:
        return self.root / (FAILED if outcome.failed else DONE)

    def _move(self, item: Taken, outcome: Outcome) -> Path:
        target = free_name(self._dir(outcome) / item.relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if outcome.failed:
            # The reason first: a file in .failed always has its explanation beside it.
            reason = target.with_name(target.name + ".reason.txt")
            reason.write_text(reason_text(item, outcome), encoding="utf-8")
        os.replace(item.path, target)
        return target


def free_name(path: Path) -> Path:
    """``path``, or ``name (2).ext``, ``name (3).ext``... when taken (never overwrite an earlier file)."""
    if not path.exists() and not path.with_name(path.name + ".reason.txt").exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists() and not candidate.with_name(candidate.name + ".reason.txt").exists():
            return candidate
        n += 1


def reason_text(item: Taken, outcome: Outcome) -> str:
    return (
        f"error: {outcome.code}\n"
        f"message: {outcome.message}\n"
        f"file: {item.relative}\n"
        f"sha256: {item.sha256}\n"
        f"batch: {item.batch}\n"
        f"doc_id: {outcome.doc_id}\n"
        f"taken_at: {item.taken_at.isoformat(timespec='seconds')}\n"
        f"retry: fix or rescan the file and put it in the watched folder again, "
        f"or run: sohoa reprocess --doc {outcome.doc_id}\n"
    )
