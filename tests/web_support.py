"""Helpers for the staff page's tests: an archive of real processed scans (tests/synth through the real
pipeline, with namesakes planted in the registry so some links wait for review), a live uvicorn server of
``sohoa serve``'s app on 127.0.0.1, and staff accounts."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import replace
from pathlib import Path

import uvicorn

from api.web.server import create_app
from config.settings import Settings
from storage.index import Index
from storage.users import Users
from tests.conftest import run_sohoa
from tests.synth import make_document, make_registry, write_registry

PASSWORD = "mat-khau-rat-dai-2026"


def namesake(citizen, rng: random.Random):
    """Another registration with the same name, birth date, gender and address under another ID (a duplicate
    entry, or a namesake in the same house): nothing on a page tells the two apart, so a link waits for review.
    One living elsewhere is told apart by the address a page prints beside a parent's name."""
    cid = citizen.citizen_id[:6] + f"{rng.randrange(10**6):06d}"
    return replace(citizen, citizen_id=cid, old_id_number=None, father_id=None, mother_id=None, spouse_id=None,
                   household_id=f"NS-{cid}")


def write_scans(root: Path, specs: list[tuple], *, registry_seed: int = 7, registry_size: int = 300,
                level: str = "clean", namesakes: bool = True) -> tuple[Path, Path]:
    """Scans (PNG) of ``specs`` [(seed, doc_type[, level])] and a registry CSV in which every person on them
    has a namesake (so a person linked by name and birth date alone waits for review). Returns (scans, csv)."""
    scans = root / "scans"
    scans.mkdir(parents=True, exist_ok=True)
    registry = make_registry(registry_seed, registry_size)
    by_id = {c.citizen_id: c for c in registry}
    rng = random.Random(f"web-namesakes:{registry_seed}")
    extra = []
    for seed, doc_type, *own_level in specs:
        doc = make_document(seed, doc_type, own_level[0] if own_level else level, registry=registry)
        doc.pages[0].convert("RGB").save(scans / f"{doc_type}-{seed}.png", dpi=(doc.dpi, doc.dpi))
        for person in doc.truth["persons"]:
            citizen = by_id.get(person.get("true_citizen_id") or "")
            if namesakes and citizen is not None:
                extra.append(namesake(citizen, rng))
    csv = root / "registry.csv"
    write_registry(registry + extra, csv)
    return scans, csv


def build_archive(home: Path, root: Path, specs: list[tuple], *, batch: str = "kho-a") -> None:
    scans, csv = write_scans(root, specs)
    run_sohoa(home, "registry", "import", str(csv), check=True)
    run_sohoa(home, "ingest", str(scans), "--batch", batch, "--jobs", "2", check=True)


def add_user(home: Path, name: str, role: str = "staff", password: str = PASSWORD) -> None:
    Users(Index(Settings(home=home).resolved_database_url)).create(name, password, role)


class LiveServer:
    """``sohoa serve``'s application on a free 127.0.0.1 port, in a thread of the test process."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                lifespan="on", proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(30)
