"""Open-loop load for the API benchmark: requests sent at a fixed arrival rate, whatever the server does.

Request i is due at start + i/rate; its latency is counted from that due time, not from when it was
actually sent, so a server (or a client) that falls behind shows up in the figures instead of silently
lowering the load (coordinated omission). A small HTTP/1.1 client over asyncio keeps keep-alive
connections and opens more when all are busy, so concurrency follows the server's latency.

    python -m bench.api_load URL KEY CITIZENS_FILE --rate 200 --seconds 60   (prints one JSON object)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import sys
import time
from urllib.parse import urlparse


class Pool:
    """Keep-alive connections, reused most recent first; like common HTTP clients (httpx's keepalive_expiry),
    a connection idle longer than ``expiry`` is closed rather than reused, as the server may be closing it."""

    def __init__(self, host: str, port: int, limit: int = 256, expiry: float = 4.0) -> None:
        self.host, self.port, self.limit, self.expiry = host, port, limit, expiry
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened = 0

    async def request(self, raw: bytes) -> int:
        for attempt in range(2):
            conn = self._reusable() if not attempt else None
            fresh = conn is None
            if conn is None:
                conn = await self._open()
            try:
                status, keep = await _exchange(conn, raw)
            except (ConnectionError, asyncio.IncompleteReadError):
                conn[1].close()
                if fresh:  # a reused connection may have been closed by the server: retry once on a new one
                    raise
                continue
            if keep:
                self.idle.append((conn[0], conn[1], time.monotonic()))
            else:
                conn[1].close()
            return status
        raise ConnectionError("unreachable")

    def _reusable(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        now = time.monotonic()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < self.expiry:
                return reader, writer
            writer.close()
        return None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)


async def _exchange(conn, raw: bytes) -> tuple[int, bool]:
    reader, writer = conn
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


def _requests(url: str, key: str, citizens: list[str], count: int, mix: float, seed: int) -> list[tuple[str, bytes]]:
    """Every request of the run, made before the clock starts: (kind, bytes)."""
    rng, host = random.Random(seed), urlparse(url).netloc
    auth = f"Authorization: Bearer {key}\r\nX-User-Id: bench\r\n"
    run = secrets.token_hex(2)  # new dossier codes every run: registering, not re-reading, is what is measured
    out = []
    for i in range(count):
        if rng.random() < mix:
            cid = rng.choice(citizens)
            purpose = f"B{run}-261125-{i % 10000:04d}"
            raw = f"GET /v1/citizens/{cid}/documents HTTP/1.1\r\nHost: {host}\r\n{auth}X-Purpose: {purpose}\r\n\r\n"
            out.append(("GET /v1/citizens/{id}/documents", raw.encode()))
        else:
            body = json.dumps(
                {
                    "dossier_code": f"B{run}.{i // 10000}-261125-{i % 10000:04d}",
                    "procedure_code": rng.choice(("1.001193", "2.000986", "1.004227")),
                    "received_at": "2026-11-25T09:00:00+07:00",
                    "citizen_ids": rng.sample(citizens, rng.choice((1, 1, 2, 3))),
                }
            ).encode()
            raw = (
                f"POST /v1/dossiers HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            out.append(("POST /v1/dossiers", raw))
    return out


async def drive(
    url: str, key: str, citizens: list[str], rate: float, seconds: float, mix: float = 0.5, seed: int = 1
) -> dict:
    parsed = urlparse(url)
    pool = Pool(parsed.hostname or "127.0.0.1", parsed.port or 80)
    plan = _requests(url, key, citizens, int(rate * seconds), mix, seed)
    results: list[tuple[str, float, int, float, float]] = []  # kind, latency s, status (0 = failed), send lag s,
    # due time s from the start
    failures: dict[str, int] = {}

    async def one(kind: str, raw: bytes, due: float) -> None:
        lag = time.perf_counter() - due
        try:
            status = await pool.request(raw)
        except Exception as exc:  # a refused or broken connection is an error of the run, not a crash of it
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            status = 0
        results.append((kind, time.perf_counter() - due, status, lag, due - start))

    start = time.perf_counter() + 0.5
    tasks = []
    for i, (kind, raw) in enumerate(plan):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(kind, raw, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    return {"results": results, "seconds": elapsed, "connections": pool.opened, "failures": failures}


def windows(results: list[tuple[str, float, int, float, float]], seconds: float = 10.0) -> list[float]:
    """p99 latency (ms) of the requests due in each ``seconds`` window: a tail spread over the run is the
    server's steady state, one concentrated in a window is an event (a checkpoint, a vacuum, the host)."""
    buckets: dict[int, list[float]] = {}
    for r in results:
        buckets.setdefault(int(r[4] // seconds), []).append(r[1] * 1000)
    out = []
    for _, lat in sorted(buckets.items()):
        lat.sort()
        out.append(round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1))
    return out


def summarize(results: list[tuple[str, float, int, float, float]]) -> dict[str, dict]:
    groups: dict[str, list] = {"all": results}
    for r in results:
        groups.setdefault(r[0], []).append(r)
    out = {}
    for name, rows in groups.items():
        lat = sorted(r[1] * 1000 for r in rows)

        def pct(p: float, lat=lat) -> float:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1)

        out[name] = {
            "requests": len(rows),
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": round(lat[-1], 1),
            "errors": sum(1 for r in rows if not 200 <= r[2] < 300),
            "max_send_lag_ms": round(max(r[3] for r in rows) * 1000, 1),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("citizens_file", help="one citizen ID per line")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mix", type=float, default=0.5, help="share of GET citizen documents (rest: POST dossiers)")
    args = parser.parse_args()
    with open(args.citizens_file) as fh:
        citizens = [line.strip() for line in fh if line.strip()]
    run = asyncio.run(drive(args.url, args.key, citizens, args.rate, args.seconds, args.mix))
    statuses: dict[int, int] = {}
    for r in run["results"]:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    report = {
        "summary": summarize(run["results"]),
        "p99_ms_by_10s": windows(run["results"]),
        "seconds": round(run["seconds"], 2),
        "connections": run["connections"],
        "statuses": statuses,
        "failures": run["failures"],
    }
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
