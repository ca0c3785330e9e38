"""Benchmark: saving document records and full-text search on SQLite (FTS5) and PostgreSQL (tsvector + GIN),
side by side in one run, on the same synthetic records.

    .venv/bin/python -m bench.index_search --docs 5000 --queries 300

Each record's text looks like a civil record's OCR (header, names, dates, places from ``tests.synth``);
queries are folded full names (most find a few documents: the registry has many namesakes), then place words.
The PostgreSQL cluster is the tests' throwaway one (fsync off); SQLite runs as sohoa runs it (WAL).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

from storage.index import Index
from storage.textfold import fold
from tests.synth import make_registry

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nGIẤY KHAI SINH\n"


def make_records(count: int, seed: int = 11) -> tuple[list[dict], list[str]]:
    rng = random.Random(seed)
    people = make_registry(seed, max(2000, count // 2))
    records, queries = [], []
    for i in range(count):
        c, father, mother = rng.choice(people), rng.choice(people), rng.choice(people)
        text = (f"{HEADER}Số: {rng.randint(1, 999)}/{rng.randint(1990, 2024)}\nHọ, chữ đệm, tên: {c.full_name}\n"
                f"Ngày, tháng, năm sinh: {c.date_of_birth:%d/%m/%Y}\nNơi sinh: {c.place_of_birth}\n"
                f"Quê quán: {c.place_of_origin}\nHọ tên cha: {father.full_name}\nHọ tên mẹ: {mother.full_name}\n"
                f"Nơi thường trú: {c.permanent_address}\n" + "Nội dung ghi chú thêm của cán bộ hộ tịch. " * 20)
        sha = f"{i:064x}"
        records.append({
            "schema": "sohoa.document/1", "doc_id": f"bench{i:07d}", "batch": f"b{i // 1000}",
            "source": {"name": f"scan-{i}.png", "sha256": sha, "media_type": "image/png", "pages": 1},
            "status": "done", "error": None, "doc_type": "birth_certificate", "fields": {}, "persons": [],
            "text": text, "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.9},
            "objects": {"original": f"originals/{sha}"}, "pipeline_version": "0.1.0",
            "processed_at": "2026-11-25T10:00:00+00:00",
            "pages": [{"number": 1, "width": 1654, "height": 2339, "dpi": 200.0, "dpi_source": "file"}],
        })
        if i % 3 == 0:
            queries.append(fold(c.full_name))
    return records, queries


def run(name: str, url: str, records: list[dict], queries: list[str]) -> dict[str, float]:
    index = Index(url)
    t0 = time.perf_counter()
    for record in records:
        index.save_record(record)
    save_s = time.perf_counter() - t0
    index.search(queries[0])  # warm
    times, hits = [], 0
    for q in queries:
        t0 = time.perf_counter()
        found = index.search(q, limit=20)
        times.append((time.perf_counter() - t0) * 1000)
        hits += len(found)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    print(f"[{name}] saved {len(records)} records in {save_s:.1f} s ({len(records) / save_s:,.0f}/s); "
          f"{len(queries)} searches: median {p50:.1f} ms, p95 {p95:.1f} ms, {hits / len(queries):.1f} hits each")
    index.dispose()
    return {"save": save_s, "p50": p50, "p95": p95}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    records, names = make_records(args.docs)
    queries = (names * (args.queries // max(len(names), 1) + 1))[: args.queries]
    from tests.servers.postgres import PostgresServer

    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp, PostgresServer() as pg:
        lite = run("sqlite", f"sqlite:///{tmp}/index.sqlite3", records, queries)
        post = run("postgresql", pg.create_database("bench"), records, queries)
    print(f"postgresql / sqlite: save time {post['save'] / lite['save']:.2f}, "
          f"search median {post['p50'] / lite['p50']:.2f}, p95 {post['p95'] / lite['p95']:.2f}")


if __name__ == "__main__":
    main()
