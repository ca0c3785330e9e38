"""Benchmark: ``registry import`` of a big synthetic registry CSV into a fresh index, then a re-import, on
SQLite and on PostgreSQL (a throwaway cluster, ``tests/servers/postgres.py``) side by side in one run.

    .venv/bin/python -m bench.registry_import --rows 1000000
    .venv/bin/python -m bench.registry_import --rows 200000 --engines postgresql --pg-writer executemany

The PostgreSQL cluster runs with the tests' fast settings (fsync off) unless ``--durable``; SQLite runs as
sohoa runs it (WAL, synchronous=NORMAL during the import).

The CSV is built from a ``make_registry`` population (names with realistic frequencies and namesakes),
widened to the requested size by recombining names, shifting birth dates and issuing fresh IDs: planting
``make_registry``'s namesake pairs in a million people directly would take hours.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from storage.index import make_engine
from storage.registry import import_csv
from storage.registry_lookup import SqlRegistryLookup
from tests.synth import make_registry
from tests.synth.people import REGISTRY_HEADER, century_gender_digit


def write_big_registry(path: Path, rows: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    base = make_registry(seed, 20_000)
    by_gender = {g: [c for c in base if c.gender == g] for g in ("male", "female")}
    used: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(REGISTRY_HEADER)
        for i in range(rows):
            c = base[i % len(base)]
            other = rng.choice(by_gender[c.gender])
            born = c.date_of_birth + timedelta(days=rng.randint(-400, 400)) if i >= len(base) else c.date_of_birth
            while True:
                cid = f"{c.birth_province}{century_gender_digit(born, c.gender)}{born.year % 100:02d}" \
                      f"{rng.randrange(10**6):06d}"
                if cid not in used:
                    used.add(cid)
                    break
            name = c.full_name if i < len(base) else f"{c.family_name} {other.middle_name} {other.given_name}".upper()
            out.writerow([cid, name, born.isoformat(), c.gender, c.old_id_number or "", c.place_of_origin,
                          c.permanent_address])
    return path


def run_engine(name: str, url: str, csv_path: Path, batch_size: int) -> dict[str, float]:
    engine = make_engine(url)
    first = import_csv(engine, csv_path, batch_size=batch_size)
    print(f"[{name}] first import (empty table): {first.rows_read} rows in {first.seconds:.1f} s "
          f"= {first.rows_per_second:,.0f} rows/s; inserted {first.inserted}, rejected {first.rejected}")
    again = import_csv(engine, csv_path, batch_size=batch_size)
    print(f"[{name}] re-import (same file):     {again.rows_read} rows in {again.seconds:.1f} s "
          f"= {again.rows_per_second:,.0f} rows/s; updated {again.updated}, unchanged {again.unchanged}")
    lookup = SqlRegistryLookup(engine)
    lookup.by_birth("1970-06-15", 1970, "male")  # warm the pool and the caches
    t0 = time.perf_counter()
    n = 0
    for year in range(1950, 2000):
        n += len(lookup.by_birth(f"{year}-06-15", year, "male"))
    blocks_ms = (time.perf_counter() - t0) * 1000
    print(f"[{name}] 50 date-of-birth blocks: {n} rows in {blocks_ms:.0f} ms")
    engine.dispose()
    return {"first": first.seconds, "again": again.seconds, "blocks_ms": blocks_ms}


def _use_executemany() -> None:
    """Measure the generic path (SQLAlchemy executemany of the upsert) instead of COPY, for comparison."""
    from storage import registry

    registry._writer = registry._Writer  # type: ignore[assignment]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--csv", type=Path, help="reuse this CSV instead of generating one")
    ap.add_argument("--batch-size", type=int, default=20_000)
    ap.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--pg-writer", choices=["copy", "executemany"], default="copy")
    ap.add_argument("--durable", action="store_true", help="PostgreSQL with fsync and synchronous commits on")
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if args.pg_writer == "executemany":
        _use_executemany()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        csv_path = args.csv
        if csv_path is None:
            csv_path = Path(tmp) / "registry.csv"
            t0 = time.perf_counter()
            write_big_registry(csv_path, args.rows)
            print(f"generated {args.rows} rows ({csv_path.stat().st_size / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - t0:.1f} s")
        if "sqlite" in engines:
            results["sqlite"] = run_engine("sqlite", f"sqlite:///{tmp}/index.sqlite3", csv_path, args.batch_size)
        if "postgresql" in engines:
            from tests.servers.postgres import PostgresServer

            durable = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"} if args.durable else {}
            with PostgresServer(settings=durable) as pg:
                print(f"[postgresql] cluster started in {pg.start_seconds:.2f} s (initdb included)")
                label = f"postgresql/{args.pg_writer}"
                results[label] = run_engine(label, pg.create_database("bench"), csv_path, args.batch_size)
    if "sqlite" in results and len(results) > 1:
        base = results["sqlite"]
        for name, r in results.items():
            if name != "sqlite":
                print(f"{name} / sqlite time ratio: first import {r['first'] / base['first']:.2f}, "
                      f"re-import {r['again'] / base['again']:.2f}, blocks {r['blocks_ms'] / base['blocks_ms']:.2f}")


if __name__ == "__main__":
    main()
