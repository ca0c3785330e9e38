"""Helpers for the API tests: records made by the pipeline's own record functions, API keys, a real server.

Records are built with ``workers.record.done_record`` from the stages' dataclasses and stored with
``workers.pipeline.write_record`` (objects first, then index rows), exactly as the pipeline commits them;
only Tesseract is left out. Tests that need real OCR use tests/synth scans and ``sohoa ingest``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pikepdf

from extract.model import Extraction, FieldValue, Match, Person
from ingest.source import Source
from ocr.result import OcrPage, OcrResult
from storage.keys import pdf_key
from tests.conftest import SOHOA
from workers.context import Context
from workers.pipeline import write_record
from workers.record import done_record, make_doc_id


def field(value: str, confidence: float = 0.93) -> FieldValue:
    return FieldValue(value, confidence, 1, (100, 200, 600, 240))


def person(role: str, name: str, status: str, citizen_id: str | None, candidates=(), **fields: str) -> Person:
    values = {"full_name": field(name), **{k: field(v) for k, v in fields.items()}}
    reasons = ["ID printed on the document matches"] if status == "matched" else ["2 candidates within 0.05"]
    match = Match(status, citizen_id if status == "matched" else None, 0.97, reasons, list(candidates))
    return Person(role, values, match)


def store_document(
    ctx: Context,
    name: str,
    doc_type: str,
    persons: list[Person],
    *,
    batch: str = "api",
    text: str = "",
    fields: dict[str, str] | None = None,
    tmp: Path,
) -> dict:
    """A processed document as the pipeline commits it: PDF object, metadata object, index rows."""
    data = f"{batch}/{name}".encode()
    sha = hashlib.sha256(data).hexdigest()
    doc_id = make_doc_id(sha, batch, name)
    pdf_path = tmp / f"{doc_id}.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(pdf_path)
    page = OcrPage(1, 1654, 2339, 200.0, "file", 0, 0.0, "sauvola", False, text, 0.91, len(text.split()), None)
    ocr = OcrResult(str(pdf_path), [page], "tesseract 5.3.0", "vie")
    extraction = Extraction(doc_type, {k: field(v) for k, v in (fields or {}).items()}, persons)
    source = Source(str(tmp / name), name, len(data), sha, "image/png")
    record = done_record(doc_id, batch, source, ocr, extraction)
    ctx.store.put_file(pdf_key(doc_id), pdf_path, content_type="application/pdf")
    write_record(ctx.store, ctx.index, record)
    return record


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sohoa_env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "COLUMNS": "200"}
    for name in ("SOHOA_STORAGE_URL", "SOHOA_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "SOHOA_API_STATE_DIR"):
        env.pop(name, None)
    return {**env, **extra}


def create_key(home: Path, name: str, *scopes: str, rate_limit: float | None = None) -> str:
    args = [SOHOA, "apikey", "create", name, *[a for s in scopes for a in ("--scope", s)], "--json"]
    if rate_limit:
        args += ["--rate-limit", str(rate_limit)]
    proc = subprocess.run(args, env=sohoa_env(home), capture_output=True, text=True, check=True, timeout=60)
    return json.loads(proc.stdout)["secret"]


class Server:
    """``sohoa serve`` as a real process on a free 127.0.0.1 port; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, home: Path, *, workers: int = 2, **env: str) -> None:
        self.home, self.workers, self.env = home, workers, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / f"serve-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.home.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [SOHOA, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            env=sohoa_env(self.home, **self.env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers can be stopped with it
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"sohoa serve exited {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise AssertionError(f"sohoa serve did not become ready:\n{self.log()}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
