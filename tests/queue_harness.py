"""Running sohoa as a cluster in tests: one Redis, a store and an index (URLs from a fixture), the ``sohoa``
console script for the enqueuer and the workers, and the invariants every fault test checks afterwards."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from redis import Redis
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from storage.objects import open_store
from tests.conftest import SOHOA, json_lines
from tests.servers.redis import RedisServer

# Quick to notice a dead worker, quick to retry: the mechanisms under test, at test speed.
FAST = {
    "SOHOA_WORKER_HEARTBEAT": "1",
    "SOHOA_WORKER_GRACE": "15",
    "SOHOA_WORKER_MAINTENANCE_INTERVAL": "2",
    "SOHOA_JOB_RETRY_INTERVALS": "0",
    "SOHOA_JOB_RETRIES": "3",
}


@dataclass
class Cluster:
    home: Path
    redis: RedisServer
    storage_url: str
    database_url: str
    extra: dict = field(default_factory=dict)
    workers: list[subprocess.Popen] = field(default_factory=list)
    spawned: list[subprocess.Popen] = field(default_factory=list)  # everything started, stopped at the end

    def env(self, **more: str) -> dict:
        env = {**os.environ, "SOHOA_HOME": str(self.home), "COLUMNS": "160", "OMP_THREAD_LIMIT": "1"}
        env.update(SOHOA_REDIS_URL=self.redis.url, SOHOA_STORAGE_URL=self.storage_url,
                   SOHOA_DATABASE_URL=self.database_url)
        env.update({**FAST, **self.extra, **more})
        return env

    def sohoa(self, *args: str, check: bool = False, timeout: float = 600) -> subprocess.CompletedProcess:
        proc = subprocess.run([SOHOA, *args], env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"sohoa {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}\n{proc.stdout}")
        return proc

    def spawn(self, *args: str, log_name: str) -> subprocess.Popen:
        """A long-running ``sohoa`` command in its own session (so the test can kill all it started)."""
        log = open(self.home / f"{log_name}.log", "ab")  # noqa: SIM115  (closed with the process)
        proc = subprocess.Popen([SOHOA, *args], env=self.env(), stdout=log, stderr=log, start_new_session=True)
        proc.log_path = self.home / f"{log_name}.log"  # type: ignore[attr-defined]
        self.spawned.append(proc)
        return proc

    def start_worker(self, *args: str, name: str = "worker") -> subprocess.Popen:
        proc = self.spawn("worker", *args, log_name=f"{name}-{len(self.workers)}")
        self.workers.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.spawned:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.spawned:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                kill_session(proc.pid)
                proc.wait()
        for proc in self.spawned:
            kill_session(proc.pid)  # horses or tesseract runs a killed worker left behind

    def connection(self) -> Redis:
        return Redis.from_url(self.redis.url)

    def records(self, batch: str) -> list[dict]:
        return json_lines(self.sohoa("docs", "list", "--batch", batch, "--json", check=True).stdout)

    def status(self, batch: str) -> dict:
        return json.loads(self.sohoa("status", "--batch", batch, "--json", check=True).stdout)

    def wait_done(self, batch: str, *, timeout: float = 600) -> dict:
        return wait_until(lambda: (s := self.status(batch))["queued"] + s["processing"] == 0 and s, timeout,
                          f"batch {batch} to finish")

    def started_jobs(self) -> list[Job]:
        conn = self.connection()
        jobs = []
        for name in ("sohoa-join", "sohoa-pages", "sohoa-documents"):
            ids = StartedJobRegistry(name, connection=conn).get_job_ids(cleanup=False)
            jobs.extend(j for j in Job.fetch_many(ids, connection=conn, serializer=JSONSerializer) if j)
        return jobs

    def failed_job_count(self) -> int:
        conn = self.connection()
        names = ("sohoa-join", "sohoa-pages", "sohoa-documents")
        return sum(FailedJobRegistry(n, connection=conn).get_job_count(cleanup=False) for n in names)

    def check_invariants(self, batch: str, inputs: dict[str, bytes]) -> dict[str, dict]:
        """Every input has exactly one record; every record's objects exist and match (original by SHA-256,
        metadata.json equal to the record, the PDF stamped with the document and the original's SHA-256,
        one hOCR per OCR'd page); no scratch objects are left."""
        records = self.records(batch)
        names = [r["source"]["name"] for r in records]
        assert sorted(names) == sorted(inputs), f"records {sorted(names)} for inputs {sorted(inputs)}"
        store = open_store(self.storage_url)
        for record in records:
            data = inputs[record["source"]["name"]]
            assert record["source"]["sha256"] == hashlib.sha256(data).hexdigest()
            original = store.get_bytes(record["objects"]["original"])
            assert hashlib.sha256(original).hexdigest() == record["source"]["sha256"]
            assert json.loads(store.get_bytes(record["objects"]["metadata"])) == record
            if record["status"] in ("done", "review"):
                with pikepdf.open(io.BytesIO(store.get_bytes(record["objects"]["pdf"]))) as pdf:
                    meta = pdf.open_metadata()
                    assert meta.get("dc:identifier") == record["doc_id"]
                    assert meta.get("dc:source") == f"sha256:{record['source']['sha256']}"
                    assert len(pdf.pages) == record["source"]["pages"]
                for page in record["pages"]:
                    if page["hocr"]:
                        assert store.get_bytes(page["hocr"]).lstrip().startswith(b"<")
        assert not list(store.list("scratch/")), "page-range results left behind"
        return {r["source"]["name"]: r for r in records}


def wait_until(predicate: Callable[[], object], timeout: float, what: str, poll: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def session_members(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields and int(fields[3]) == sid:
            pids.append(int(entry.name))
    return pids


def kill_session(sid: int) -> None:
    """SIGKILL every process of a session the test started (a machine dying: worker, horse, tesseract)."""
    for pid in session_members(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _stat(pid: int) -> list[str] | None:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()  # state ppid pgrp session ...


def horse_of(worker_pid: int) -> int | None:
    """The work horse of a single-process worker: its child that rq put in a process group of its own
    (the scheduler, its other child, stays in the worker's group)."""
    for pid in session_members(os.getsid(worker_pid)):
        fields = _stat(pid)
        if fields and int(fields[1]) == worker_pid and int(fields[2]) == pid:
            return pid
    return None


def write_bundle(path: Path, docs: list[tuple[int, str]], *, level: str = "mild") -> bytes:
    """A multi-page TIFF (deflate) of synthetic scans, or a PNG for a single page: an archive box's file."""
    from tests.synth import make_document

    pages = [make_document(seed, doc_type, level).pages[0].convert("RGB") for seed, doc_type in docs]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".pdf":
        import img2pdf

        blobs = []
        for page in pages:
            buf = io.BytesIO()
            page.save(buf, "JPEG", quality=85, dpi=(200, 200))
            blobs.append(buf.getvalue())
        path.write_bytes(img2pdf.convert(blobs))
    elif len(pages) > 1 or path.suffix == ".tif":
        pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate", dpi=(200, 200))
    else:
        pages[0].save(path, dpi=(200, 200))
    return path.read_bytes()
