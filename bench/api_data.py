"""A big index for the API benchmark, by bulk insert (no OCR): N documents linking M citizens.

Records have the contract's shape and a realistic size (fields, persons with their fields, links with
candidates for review, an OCR text of about a page): about 4 KB each, like the pipeline's own records.
Secondary indexes are dropped for the load and built once at the end.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from storage.index import Index
from storage.schema import Batch, Document, MatchRow, PersonRow

log = logging.getLogger(__name__)

PROVINCES = ("001", "024", "031", "036", "038", "040", "048", "079", "083", "092")
SURNAMES = ("NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "PHAN", "VŨ", "ĐẶNG", "BÙI", "ĐỖ", "HỒ", "NGÔ")
MIDDLE = ("VĂN", "THỊ", "HỮU", "ĐỨC", "MINH", "NGỌC", "THANH", "XUÂN")
GIVEN = (
    "AN",
    "BÌNH",
    "CHI",
    "DŨNG",
    "GIANG",
    "HÀ",
    "HẢI",
    "HƯƠNG",
    "KHOA",
    "LAN",
    "LONG",
    "MAI",
    "NAM",
    "PHONG",
    "QUÝ",
    "SƠN",
    "TÂM",
    "THẢO",
    "TRUNG",
    "VY",
)
# doc_type -> roles on it, and its share of the archive
TYPES = {
    "birth_certificate": (("subject", "father", "mother"), 35),
    "marriage_certificate": (("wife", "husband"), 15),
    "death_certificate": (("deceased",), 10),
    "household_registration": (("head", "member", "member"), 10),
    "id_card": (("holder",), 15),
    "land_use_certificate": (("land_user",), 10),
    "decision": ((), 5),
}
BATCH_SIZE = 5000


def citizen_ids(count: int, seed: int = 6) -> list[str]:
    rng, seen = random.Random(f"bench-citizens:{seed}"), set()
    while len(seen) < count:
        seen.add(f"{rng.choice(PROVINCES)}{rng.choice('0123')}{rng.randrange(100):02d}{rng.randrange(10**6):06d}")
    return sorted(seen)


def _f(value: str, confidence: float = 0.92) -> dict:
    return {"value": value, "confidence": confidence, "page": 1, "bbox": [180, 400, 1200, 440]}


def _person(rng: random.Random, role: str, ids: list[str]) -> tuple[dict, str, str | None, list[str]]:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    roll, citizen = rng.random(), rng.choice(ids)
    status = "matched" if roll < 0.90 else "review" if roll < 0.96 else "unmatched"
    candidates = [citizen, rng.choice(ids)] if status == "review" else [citizen] if status == "matched" else []
    fields = {
        "full_name": _f(name),
        "date_of_birth": _f(f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"),
        "gender": _f("female" if role in ("mother", "wife") else "male"),
        "ethnicity": _f("Kinh"),
        "nationality": _f("Việt Nam"),
        "permanent_address": _f("Số 12 ngõ 34 phố Hàng Bạc, phường Hàng Bạc, quận Hoàn Kiếm, Hà Nội"),
        "citizen_id": _f(citizen, 0.88),
    }
    match = {
        "status": status,
        "citizen_id": citizen if status == "matched" else None,
        "score": round(rng.uniform(0.8, 0.99), 4),
        "reasons": ["ID printed on the document matches", "name matches exactly"],
        "candidates": [{"citizen_id": c, "score": 0.9} for c in candidates],
    }
    return {"role": role, "fields": fields, "match": match}, status, match["citizen_id"], candidates


def _record(rng: random.Random, n: int, ids: list[str], doc_type: str, roles: tuple[str, ...]) -> tuple[dict, list]:
    doc_id = f"{n:08x}{rng.getrandbits(48):012x}"  # not guessable without the generator's seed
    persons = [_person(rng, role, ids) for role in roles]
    year = rng.randrange(1975, 2025)
    fields = {
        "registration_number": _f(str(rng.randrange(1, 400))),
        "book_number": _f(f"{rng.randrange(1, 9):02d}/{year}"),
        "registration_date": _f(f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"),
        "issuing_authority": _f("UỶ BAN NHÂN DÂN PHƯỜNG HÀNG BẠC"),
    }
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", doc_type.upper()]
    for p, *_ in persons:
        lines += [f"{k}: {v['value']}" for k, v in p["fields"].items()]
    lines += [f"{k}: {v['value']}" for k, v in fields.items()] + ["Ghi chú: ........................"] * 6
    record = {
        "schema": "sohoa.document/1",
        "doc_id": doc_id,
        "batch": f"kho-{n % 100:02d}",
        "source": {"name": f"scan-{n:07d}.tif", "sha256": f"{n:064x}", "media_type": "image/tiff", "pages": 1},
        "status": "review" if any(s == "review" for _, s, _, _ in persons) else "done",
        "error": None,
        "doc_type": doc_type,
        "fields": fields,
        "persons": [p for p, *_ in persons],
        "text": "\n".join(lines),
        "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.91},
        "objects": {
            "original": f"originals/{n:064x}",
            "pdf": f"documents/{doc_id}/document.pdf",
            "metadata": f"documents/{doc_id}/metadata.json",
        },
        "pipeline_version": "0.1.0",
        "processed_at": "2026-11-20T10:00:00+00:00",
    }
    return record, persons


def build(index: Index, documents: int, citizens: int, seed: int = 6) -> dict:
    """Fill an empty index; returns what was made (for the report)."""
    started = time.perf_counter()
    ids = citizen_ids(citizens, seed)
    rng = random.Random(f"bench-docs:{seed}")
    kinds = [t for t, (_, share) in TYPES.items() for _ in range(share)]
    tables = [Document.__table__, PersonRow.__table__, MatchRow.__table__]
    now = datetime.now(UTC)
    with index.engine.begin() as conn:
        for table in tables:
            for ix in table.indexes:
                ix.drop(conn)
        conn.execute(insert(Batch.__table__), [{"name": f"kho-{i:02d}", "created_at": now} for i in range(100)])
    person_id, made = 0, {"documents": 0, "persons": 0, "confirmed_links": 0}
    for start in range(0, documents, BATCH_SIZE):
        docs, people, matches = [], [], []
        for n in range(start, min(documents, start + BATCH_SIZE)):
            doc_type = rng.choice(kinds)
            record, persons = _record(rng, n, ids, doc_type, TYPES[doc_type][0])
            docs.append(_document_row(record, now))
            for idx, (p, status, citizen, candidates) in enumerate(persons):
                person_id += 1
                people.append(
                    {
                        "id": person_id,
                        "doc_id": record["doc_id"],
                        "idx": idx,
                        "role": p["role"],
                        "full_name": p["fields"]["full_name"]["value"],
                        "match_status": status,
                        "citizen_id": citizen,
                        "score": p["match"]["score"],
                    }
                )
                matches += [
                    {"person_id": person_id, "citizen_id": c, "score": 0.9, "rank": r} for r, c in enumerate(candidates)
                ]
                made["confirmed_links"] += status == "matched"
        with index.engine.begin() as conn:
            conn.execute(insert(Document.__table__), docs)
            conn.execute(insert(PersonRow.__table__), people)
            if matches:
                conn.execute(insert(MatchRow.__table__), matches)
        made["documents"] += len(docs)
        made["persons"] += len(people)
        if start % 100_000 == 0:
            log.warning("bench index: %d documents", made["documents"])
    with index.engine.begin() as conn:
        for table in tables:
            for ix in table.indexes:
                ix.create(conn)
    settle(index)
    made["seconds"] = round(time.perf_counter() - started, 1)
    made["citizens"] = len(ids)
    return made


def settle(index: Index) -> None:
    """What a database in service has had time to do after a bulk load: statistics gathered and dirty pages
    written, so that the measured run does not share the disk with autovacuum and the checkpointer."""
    engine = index.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM (ANALYZE)"))
            conn.execute(text("CHECKPOINT"))
        else:
            conn.execute(text("ANALYZE"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def warm(index: Index) -> None:
    """What a database in service holds in memory: its tables and indexes read once into the page cache.

    This machine's page cache does not stay (it shrank from 8 GB to 3 GB between two runs with 19 GB free), so
    without this a run's start depends on what the host left cached; read first, every run starts from the same
    state, as a database in service would."""
    engine = index.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            try:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            except DBAPIError as exc:  # not a superuser on an existing database: measured as it is
                log.warning("pg_prewarm unavailable (%s): measuring with the cache as it is", exc.orig)
                return
            conn.execute(text(
                "SELECT pg_prewarm(c.oid::regclass, 'read') FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 't')"))
    elif engine.url.database:
        with open(engine.url.database, "rb") as f:
            while f.read(1 << 24):
                pass


def _document_row(record: dict, now: datetime) -> dict:
    return {
        "doc_id": record["doc_id"],
        "batch": record["batch"],
        "source_name": record["source"]["name"],
        "source_sha256": record["source"]["sha256"],
        "media_type": "image/tiff",
        "page_count": 1,
        "status": record["status"],
        "error_code": None,
        "duplicate_of": None,
        "doc_type": record["doc_type"],
        "mean_confidence": 0.91,
        "pipeline_version": "0.1.0",
        "processed_at": now,
        "record": record,
    }


def sample_citizens(index: Index, count: int, seed: int = 7) -> list[str]:
    """Citizens to ask about: drawn from those with confirmed links (as intake would meet them)."""
    from sqlalchemy import func, select

    with index.session() as s:
        total = s.scalar(select(func.count()).select_from(PersonRow).where(PersonRow.match_status == "matched"))
        rng = random.Random(seed)
        picks = sorted(rng.randrange(total) for _ in range(count))
        rows = s.scalars(select(PersonRow.citizen_id).where(PersonRow.match_status == "matched").order_by(PersonRow.id))
        wanted, out = iter(picks), []
        target = next(wanted, None)
        for i, cid in enumerate(rows):
            while target is not None and i == target:
                out.append(cid)
                target = next(wanted, None)
            if target is None:
                break
    random.Random(seed).shuffle(out)
    return out
