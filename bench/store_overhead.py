"""Benchmark: what a document costs in the object store, file:// against s3:// (Ceph RGW), side by side.

    .venv/bin/python -m bench.store_overhead --docs 40 --rounds 3

The payload is one real document: a synthetic scan ingested once by ``sohoa`` on the embedded defaults, whose
objects (original, searchable PDF, hOCR, metadata.json) are then stored again under fresh keys per document,
as the pipeline does: ``exists`` on the original, ``put_file`` original, hOCR and PDF, ``put_bytes``
metadata; then read back as ``docs pdf`` and ``docs show`` do (``download`` PDF, ``get_bytes`` metadata).
The two stores take turns, round by round, so drift on the shared machine hits both alike. The S3 server is
a one-node RGW on 127.0.0.1 over RAM (memstore): the figure is the S3 protocol's and SDK's own cost (HTTP,
signing, checksums), not a disk's or a network's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storage.objects import ObjectStore, open_store
from tests.servers.rgw import RgwServer
from tests.synth import make_document


def real_document(work: Path) -> dict[str, Path]:
    """Ingest one synthetic scan with the real pipeline; its stored objects, as files."""
    scan = work / "scans" / "giay-khai-sinh.png"
    scan.parent.mkdir(parents=True)
    doc = make_document(4242, "birth_certificate", "mild")
    doc.pages[0].convert("RGB").save(scan, dpi=(doc.dpi, doc.dpi))
    home = work / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("SOHOA_STORAGE_URL", "SOHOA_DATABASE_URL")}
    env.update(SOHOA_HOME=str(home), OMP_THREAD_LIMIT="1")
    sohoa = str(Path(sys.executable).with_name("sohoa"))
    subprocess.run([sohoa, "ingest", str(scan), "--batch", "bench"], env=env, check=True, capture_output=True)
    out = subprocess.run([sohoa, "docs", "list", "--json"], env=env, check=True, capture_output=True, text=True)
    record = json.loads(out.stdout.splitlines()[0])
    objects = home / "objects"
    return {
        "original": objects / record["objects"]["original"],
        "pdf": objects / record["objects"]["pdf"],
        "metadata": objects / record["objects"]["metadata"],
        "hocr": objects / f"documents/{record['doc_id']}/ocr/page-0001.hocr",
    }


def put_document(store: ObjectStore, doc_id: str, files: dict[str, Path], metadata: bytes) -> None:
    original = f"originals/{doc_id}"
    if not store.exists(original):
        store.put_file(original, files["original"], content_type="image/png")
    store.put_file(f"documents/{doc_id}/ocr/page-0001.hocr", files["hocr"], content_type="text/html")
    store.put_file(f"documents/{doc_id}/document.pdf", files["pdf"], content_type="application/pdf")
    store.put_bytes(f"documents/{doc_id}/metadata.json", metadata, content_type="application/json")


def get_document(store: ObjectStore, doc_id: str, target: Path) -> None:
    store.download(f"documents/{doc_id}/document.pdf", target)
    store.get_bytes(f"documents/{doc_id}/metadata.json")


def timed_batch(store: ObjectStore, tag: str, docs: int, files: dict[str, Path], metadata: bytes,
                target: Path) -> tuple[float, float]:
    """Seconds per document to put, then to get, ``docs`` documents."""
    ids = [f"{tag}-{i:05d}" for i in range(docs)]
    started = time.perf_counter()
    for doc_id in ids:
        put_document(store, doc_id, files, metadata)
    put = (time.perf_counter() - started) / docs
    started = time.perf_counter()
    for doc_id in ids:
        get_document(store, doc_id, target)
    return put, (time.perf_counter() - started) / docs


def timed_large(store: ObjectStore, key: str, path: Path, target: Path) -> tuple[float, float]:
    started = time.perf_counter()
    store.put_file(key, path)
    put = time.perf_counter() - started
    started = time.perf_counter()
    store.download(key, target)
    return put, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="documents per store per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large-mib", type=int, default=40, help="size of one large original (multipart on S3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        work = Path(tmp)
        print("ingesting one synthetic scan with the real pipeline for a realistic payload ...", flush=True)
        files = real_document(work)
        metadata = files["metadata"].read_bytes()
        sizes = {name: path.stat().st_size for name, path in files.items()}
        print("per document: " + ", ".join(f"{n} {s / 1024:.0f} KiB" for n, s in sizes.items()))

        rgw = RgwServer(memstore_bytes=3 << 30)
        started = time.perf_counter()
        rgw.start()
        print(f"RGW (one-node memstore cluster) ready in {time.perf_counter() - started:.2f} s")
        try:
            stores = {"file://": open_store((work / "objects").as_uri()),
                      "s3://": open_store(rgw.storage_url("bench"))}
            large = work / "large.tif"
            large.write_bytes(os.urandom(args.large_mib << 20))
            for store in stores.values():  # warm-up: bucket creation, connection pool, page cache
                timed_batch(store, "warm", 3, files, metadata, work / "out.pdf")
            results: dict[str, list[tuple[float, float]]] = {name: [] for name in stores}
            large_results: dict[str, list[tuple[float, float]]] = {name: [] for name in stores}
            for rnd in range(args.rounds):
                for name, store in stores.items():
                    results[name].append(timed_batch(store, f"r{rnd}", args.docs, files, metadata,
                                                     work / "out.pdf"))
                    large_results[name].append(timed_large(store, f"originals/large-{rnd}", large,
                                                           work / "large-out.tif"))
        finally:
            rgw.stop()

    def med(rows: list[tuple[float, float]], i: int) -> float:
        return statistics.median(r[i] for r in rows)

    f, s = results["file://"], results["s3://"]
    print(f"\n{args.docs} documents x {args.rounds} rounds per store, median of rounds (ms per document):")
    print(f"{'':10}{'file://':>10}{'s3://':>10}{'s3 - file':>11}{'s3 / file':>11}")
    for label, i in (("put", 0), ("get", 1)):
        print(f"{label:10}{med(f, i) * 1e3:10.1f}{med(s, i) * 1e3:10.1f}{(med(s, i) - med(f, i)) * 1e3:11.1f}"
              f"{med(s, i) / med(f, i):11.2f}")
    total_f, total_s = med(f, 0) + med(f, 1), med(s, 0) + med(s, 1)
    print(f"{'put+get':10}{total_f * 1e3:10.1f}{total_s * 1e3:10.1f}{(total_s - total_f) * 1e3:11.1f}"
          f"{total_s / total_f:11.2f}")
    lf, ls = large_results["file://"], large_results["s3://"]
    print(f"\none {args.large_mib} MiB original (S3: multipart, 16 MiB parts), median (s):")
    for label, i in (("put", 0), ("get", 1)):
        print(f"{label:10}{med(lf, i):10.2f}{med(ls, i):10.2f}{med(ls, i) - med(lf, i):11.2f}"
              f"{med(ls, i) / med(lf, i):11.2f}")


if __name__ == "__main__":
    main()
