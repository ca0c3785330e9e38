"""API benchmark: 1,000,000 documents for 400,000 citizens, `sohoa serve` with the recommended settings, and
GET /v1/citizens/{id}/documents + POST /v1/dossiers at a fixed arrival rate from a separate process.

    .venv/bin/python -m bench.api                      # SQLite: build (once, kept in var/bench-api), serve, drive
    .venv/bin/python -m bench.api --workers 1,2        # worker counts side by side in one run
    .venv/bin/python -m bench.api --postgres           # also PostgreSQL (throwaway cluster: tests/servers/postgres.py)
    .venv/bin/python -m bench.api --database-url postgresql+psycopg://...   # an existing database

Target: p99 under 50 ms at 200 requests/s. Latency is counted from each request's scheduled send time. Before
each measured run the disk is synced and the database's files are read into the page cache (``api_data.warm``),
as a database in service has them. A second table says what the host did during each run (API CPU per request,
iowait, CPU stolen by other guests, pages read back from disk): a disturbed run shows there.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import host
from bench.api_data import build, sample_citizens, warm
from storage import apikeys
from storage.index import Index
from tests.api_support import Server

log = logging.getLogger("bench.api")
ROUTES = ("GET /v1/citizens/{id}/documents", "POST /v1/dossiers", "all")


def _prepare(url: str, home: Path, documents: int, citizens: int) -> tuple[Index, Path, dict]:
    place = url.split("?")[0]  # the same database whatever its connection options
    marker = home / f"built-{hashlib.sha256(place.encode()).hexdigest()[:8]}.json"
    wanted = {"documents": documents, "citizens": citizens, "url": place.split("@")[-1]}
    index = Index(url)
    if marker.exists() and {k: v for k, v in json.loads(marker.read_text()).items() if k in wanted} == wanted:
        return index, home / "citizens.txt", json.loads(marker.read_text())
    made = build(index, documents, citizens)
    log.warning("built %s", made)
    sample = home / "citizens.txt"
    sample.write_text("\n".join(sample_citizens(index, 5000)) + "\n")
    marker.write_text(json.dumps({**wanted, **made}))
    return index, sample, {**wanted, **made}


def _run(home: Path, url: str, index: Index, citizens: Path, workers: int, rate: float, seconds: float) -> dict:
    _, key = apikeys.create_key(
        index, f"bench-{os.getpid()}-{workers}-{time.time_ns()}", ["intake"], created_by="bench", rate_limit=1e6
    )
    env = {"SOHOA_DATABASE_URL": url, "SOHOA_STORAGE_URL": (home / "objects").resolve().as_uri()}
    # What earlier runs and builds left for the disk is written out first: with gigabytes of another database's
    # pages still being written back, every fsync of this one waits behind them (PostgreSQL measured after
    # the SQLite runs: p99 132 ms; alone: 15 ms).
    os.sync()
    warm(index)
    with Server(home, workers=workers, **env) as server:
        load = [sys.executable, "-m", "bench.api_load", server.url, key, str(citizens)]
        # A short warm-up (connections, caches) at the same rate, not counted.
        subprocess.run([*load, "--rate", str(rate), "--seconds", "5"], check=True, capture_output=True, timeout=300)
        cpu_before, load_before, host_before = _cpu_seconds(server.proc.pid), os.getloadavg()[0], host.sample()
        proc = subprocess.run(
            [*load, "--rate", str(rate), "--seconds", str(seconds)],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 600,
        )
        cpu = _cpu_seconds(server.proc.pid) - cpu_before
        during = host.between(host_before, host.sample())
    report = json.loads(proc.stdout)
    report["server_cpu_ms_per_request"] = round(1000 * cpu / max(1, report["summary"]["all"]["requests"]), 2)
    report["load_average"] = (round(load_before, 1), round(os.getloadavg()[0], 1))
    report["host"] = during.as_dict()
    return report


def _cpu_seconds(group: int) -> float:
    """CPU time used so far by the server's processes (its process group: the parent and its workers)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _postgres(home: Path):
    """A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's binaries), durable like production (fsync on)."""
    from tests.servers.postgres import PostgresServer

    # Durable like production (fsync, synchronous commit), with the memory a production server would be given.
    durable = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "2GB"}
    with PostgresServer(settings=durable) as pg:
        yield pg.create_database("bench_api")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=400_000)
    parser.add_argument("--home", type=Path, default=Path("var/bench-api"))
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to compare side by side")
    parser.add_argument("--database-url", help="an existing empty database instead of SQLite")
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL cluster")
    parser.add_argument(
        "--sqlite-sync",
        default="full,normal",
        help="SQLite's synchronous modes to compare (?synchronous= on the URL; full is the default)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args.home.mkdir(parents=True, exist_ok=True)
    (args.home / "objects").mkdir(exist_ok=True)
    sqlite = f"sqlite:///{(args.home / 'index.sqlite3').resolve()}"
    databases = [
        (f"SQLite ({mode})", sqlite if mode == "full" else f"{sqlite}?synchronous={mode}")
        for mode in filter(None, args.sqlite_sync.split(","))
    ]
    if args.database_url:
        databases = [(args.database_url.split(":")[0], args.database_url)]
    rows, hosts = [], []
    with contextlib.ExitStack() as stack:
        if args.postgres:
            databases.append(("PostgreSQL", stack.enter_context(_postgres(args.home))))
        for name, url in databases:
            index, citizens, _ = _prepare(url, args.home, args.documents, args.citizens)
            for workers in (int(w) for w in args.workers.split(",")):
                report = _run(args.home, url, index, citizens, workers, args.rate, args.seconds)
                rows += [(name, workers, route, report["summary"].get(route)) for route in ROUTES]
                hosts.append((name, workers, report["server_cpu_ms_per_request"], report["host"]))
                extra = {
                    k: report[k]
                    for k in ("server_cpu_ms_per_request", "load_average", "statuses", "failures", "connections",
                              "p99_ms_by_10s", "host")
                }
                log.warning("%s, %d workers: %s %s", name, workers, json.dumps(report["summary"]["all"]), extra)
            index.engine.dispose()
    print(
        f"\n{args.documents:,} documents, {args.citizens:,} citizens; {args.rate:g} requests/s for "
        f"{args.seconds:g} s, half GET citizen documents, half POST dossiers (1-3 citizens)\n"
    )
    print("| database | workers | route | requests | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, workers, route, s in rows:
        if s:
            print(
                f"| {name} | {workers} | {route} | {s['requests']} | {s['p50_ms']} | {s['p95_ms']} | "
                f"{s['p99_ms']} | {s['max_ms']} | {s['errors']} |"
            )
    # The same requests cost the same CPU on an undisturbed machine: a run with more API CPU per request, steal
    # or disk reads than its neighbours was disturbed by the host, and its tail says so.
    print("\n| database | workers | API CPU ms/request | host busy % | iowait % | steal % | major faults |")
    print("|---|---|---|---|---|---|---|")
    for name, workers, cpu_ms, h in hosts:
        figures = (cpu_ms, h["busy_%"], h["iowait_%"], h["steal_%"], h["major_faults"])
        print(f"| {name} | {workers} | " + " | ".join(str(v) for v in figures) + " |")


if __name__ == "__main__":
    main()
