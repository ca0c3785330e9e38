"""Benchmark: rq worker processes against one Redis, side by side in one run: pages per minute for 1, 2, 4.

    .venv/bin/python -m bench.workers --count 12 --workers 1,2,4              # S3 (Ceph RGW) + PostgreSQL
    .venv/bin/python -m bench.workers --count 12 --backends file              # file:// + SQLite

One batch of synthetic degraded scans is generated once; for each worker count the same batch is queued
(``sohoa ingest --queue``, not timed) into a fresh Redis, bucket and database, then ``sohoa worker --burst
--processes N`` is timed from its start to its exit, i.e. until every document is recorded (worker start-up
included, as an operator sees it). Every worker is a real ``sohoa worker`` process with OMP_THREAD_LIMIT=1.
The servers are one-node test servers on 127.0.0.1 (RGW over RAM, a PostgreSQL cluster in a temp folder):
the figures are the pipeline's and the queue's, not a network's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.servers.redis import RedisServer
from tests.synth import make_document

SEED = 91_000  # held out: tests use seeds below 10 000
SOHOA = str(Path(sys.executable).with_name("sohoa"))


def make_batch(folder: Path, count: int) -> int:
    """``count`` documents (some multi-page), as scanners write them; returns the page count."""
    folder.mkdir(parents=True)
    pages = 0
    for i in range(count):
        doc = make_document(SEED + i, None, "mild")
        first, *rest = doc.pages
        if rest:
            first.save(folder / f"{i:03d}.tif", save_all=True, append_images=rest, dpi=(doc.dpi, doc.dpi),
                       compression="tiff_deflate")
        else:
            first.convert("RGB").save(folder / f"{i:03d}.png", dpi=(doc.dpi, doc.dpi))
        pages += len(doc.pages)
    return pages


def run_one(scans: Path, home: Path, workers: int, storage_url: str, database_url: str) -> dict:
    with RedisServer(home / "redis") as redis:
        env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_REDIS_URL": redis.url, "SOHOA_STORAGE_URL": storage_url,
               "SOHOA_DATABASE_URL": database_url, "OMP_THREAD_LIMIT": "1"}
        subprocess.run([SOHOA, "ingest", "--queue", str(scans), "--batch", "bench"], env=env, check=True,
                       capture_output=True)
        started = time.perf_counter()
        subprocess.run([SOHOA, "worker", "--burst", "--processes", str(workers)], env=env, check=True,
                       capture_output=True)
        seconds = time.perf_counter() - started
        status = json.loads(subprocess.run([SOHOA, "status", "--batch", "bench", "--json"], env=env, check=True,
                                           capture_output=True, text=True).stdout)
    finished = status["done"] + status["review"]
    pages = status["pages"]["done"] + status["pages"]["review"]
    return {"workers": workers, "documents": finished, "total": status["total"], "pages": pages,
            "seconds": seconds, "pages_per_min": pages * 60.0 / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=12, help="documents in the batch")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to compare")
    parser.add_argument("--backends", choices=("s3pg", "file"), default="s3pg")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-workers-") as tmp, contextlib.ExitStack() as stack:
        root = Path(tmp)
        pages = make_batch(root / "scans", args.count)
        if args.backends == "s3pg":
            from tests.servers.postgres import PostgresServer
            from tests.servers.rgw import RgwServer

            rgw = stack.enter_context(RgwServer(memstore_bytes=2 << 30))
            pg = stack.enter_context(PostgresServer())
            label = "S3 (Ceph RGW, memstore) + PostgreSQL"
        else:
            label = "file:// + SQLite"
        print(f"batch: {args.count} documents, {pages} pages; backends: {label}; Redis {_redis_version()}")
        print(f"{'workers':>7} {'documents':>9} {'pages':>5} {'seconds':>8} {'pages/min':>9} {'per worker':>10}")
        for n in counts:
            home = root / f"w{n}"
            home.mkdir()
            if args.backends == "s3pg":
                storage, database = rgw.storage_url(f"bench-w{n}"), pg.create_database(f"bench_w{n}")
            else:
                storage, database = (home / "objects").as_uri(), f"sqlite:///{home / 'index.sqlite3'}"
            r = run_one(root / "scans", home, n, storage, database)
            print(f"{n:>7} {r['documents']:>4}/{r['total']:<4} {r['pages']:>5} {r['seconds']:>8.1f} "
                  f"{r['pages_per_min']:>9.1f} {r['pages_per_min'] / n:>10.1f}", flush=True)


def _redis_version() -> str:
    out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    return next((w.split("=")[1] for w in out.split() if w.startswith("v=")), "?")


if __name__ == "__main__":
    main()
