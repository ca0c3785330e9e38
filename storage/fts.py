"""Accent-insensitive full-text search over OCR text ("nguyen van an" finds "NGUYỄN VĂN AN", đ → d).

SQLite: an FTS5 table holding the text folded by ``textfold`` (FTS5 alone would not turn đ into d), and a
small table mapping each document to its FTS5 row.
PostgreSQL: a ``tsvector`` per document in ``documents_search`` (GIN index), built by the database function
``sohoa_search_text``: ``unaccent`` (which maps đ → d too), ASCII punctuation to spaces (so "123/2020" is two
words, as in FTS5, not one "file" token), then the ``simple`` configuration (lower case, no stemming).

Both are created by the migrations. User text never reaches either query syntax: FTS5 gets every token quoted,
PostgreSQL gets ``plainto_tsquery`` of a bound parameter. The snippet is cut from the document's original text
at the first matched token on both (folding keeps positions).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.schema import Document
from storage.textfold import fold, fold_tokens

SQLITE_TABLE = "documents_fts"
SQLITE_KEYS = "documents_fts_keys"  # doc_id → FTS5 rowid
PG_TABLE = "documents_search"


@dataclass(frozen=True)
class Hit:
    doc_id: str
    snippet: str
    score: float


def is_search_table(name: str) -> bool:
    """The search structures (and FTS5's shadow tables), which the ORM models do not describe."""
    return name in (SQLITE_TABLE, PG_TABLE) or name.startswith(SQLITE_TABLE + "_")  # includes SQLITE_KEYS


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def replace(session: Session, doc_id: str, body: str) -> None:
    """The document's searchable text (after its ``documents`` row is flushed: PostgreSQL's row refers to it)."""
    if _dialect(session) == "sqlite":
        _sqlite_replace(session, doc_id, fold(body))
        return
    session.execute(text(f"DELETE FROM {PG_TABLE} WHERE doc_id = :d"), {"d": doc_id})
    if body.strip():
        session.execute(
            text(f"INSERT INTO {PG_TABLE} (doc_id, tsv) VALUES (:d, to_tsvector('simple', sohoa_search_text(:b)))"),
            {"d": doc_id, "b": unicodedata.normalize("NFC", body)},
        )


def _sqlite_replace(session: Session, doc_id: str, folded: str) -> None:
    # FTS5 cannot look rows up by an UNINDEXED column (deleting by doc_id would scan the whole table on every
    # save); SQLITE_KEYS maps each document to its FTS5 rowid instead.
    params = {"d": doc_id}
    old = session.execute(text(f"SELECT fts_rowid FROM {SQLITE_KEYS} WHERE doc_id = :d"), params).scalar()
    if old is not None:
        session.execute(text(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = :r"), {"r": old})
        session.execute(text(f"DELETE FROM {SQLITE_KEYS} WHERE doc_id = :d"), params)
    if folded.strip():
        row = f"INSERT INTO {SQLITE_TABLE}(doc_id, body) VALUES (:d, :b)"
        added = session.execute(text(row), {**params, "b": folded})
        key = f"INSERT INTO {SQLITE_KEYS}(doc_id, fts_rowid) VALUES (:d, :r)"
        session.execute(text(key), {**params, "r": added.lastrowid})


def _match_expression(tokens: list[str]) -> str:
    # Every token quoted: user text never reaches FTS5's query syntax (NEAR, OR, column filters, '*').
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def _sqlite_hits(session: Session, tokens: list[str], limit: int, batch: str | None) -> list[tuple[str, float]]:
    sql = (
        f"SELECT f.doc_id, bm25({SQLITE_TABLE}) AS score FROM {SQLITE_TABLE} f "
        "JOIN documents d ON d.doc_id = f.doc_id "
        f"WHERE {SQLITE_TABLE} MATCH :q" + (" AND d.batch = :batch" if batch else "") + " ORDER BY score LIMIT :n"
    )
    rows = session.execute(text(sql), {"q": _match_expression(tokens), "n": limit, "batch": batch}).all()
    return [(doc_id, -float(score)) for doc_id, score in rows]


def _pg_hits(session: Session, query: str, limit: int, batch: str | None) -> list[tuple[str, float]]:
    sql = (
        f"SELECT s.doc_id, ts_rank(s.tsv, q.query) AS score FROM {PG_TABLE} s "
        "JOIN documents d ON d.doc_id = s.doc_id "
        "CROSS JOIN plainto_tsquery('simple', sohoa_search_text(:q)) AS q(query) "
        "WHERE s.tsv @@ q.query" + (" AND d.batch = :batch" if batch else "")
        + " ORDER BY score DESC, s.doc_id LIMIT :n"
    )
    rows = session.execute(text(sql), {"q": unicodedata.normalize("NFC", query), "n": limit, "batch": batch}).all()
    return [(doc_id, float(score)) for doc_id, score in rows]


def search(session: Session, query: str, *, limit: int = 50, batch: str | None = None) -> list[Hit]:
    tokens = fold_tokens(query)
    if not tokens:
        return []
    if _dialect(session) == "sqlite":
        found = _sqlite_hits(session, tokens, limit, batch)
    else:
        found = _pg_hits(session, query, limit, batch)
    texts = dict(
        session.execute(select(Document.doc_id, Document.record).where(Document.doc_id.in_([d for d, _ in found])))
        .tuples()
        .all()
    )
    return [Hit(doc_id, snippet((texts.get(doc_id) or {}).get("text") or "", tokens), score) for doc_id, score in found]


def snippet(original: str, tokens: list[str], width: int = 80) -> str:
    """A window of the original text around the first matched token, on one line."""
    original = unicodedata.normalize("NFC", original)
    folded = fold(original)
    positions = [p for p in (folded.find(t) for t in tokens) if p >= 0]
    if not positions:
        return " ".join(original[:width].split())
    at = min(positions)
    start = max(0, at - width // 3)
    # Start on a word boundary: half a word reads like an OCR error.
    while start > 0 and not original[start - 1].isspace():
        start -= 1
    piece = original[start : start + width]
    return ("…" if start else "") + " ".join(piece.split()) + ("…" if start + width < len(original) else "")
