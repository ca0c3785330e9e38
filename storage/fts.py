"""Accent-insensitive full-text search over OCR text.

SQLite: an FTS5 table holding the folded text (see ``textfold``); the snippet is cut from the original text
at the same position, since folding keeps positions. PostgreSQL (unaccent + tsvector) arrives with issue 4;
until then other dialects fall back to a folded ``LIKE`` scan.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, String, Table, Text, delete, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.schema import Document
from storage.textfold import fold, fold_tokens

_FTS_TABLE = "documents_fts"
_fallback = Table("documents_text", MetaData(), Column("doc_id", String(40), primary_key=True), Column("body", Text))


@dataclass(frozen=True)
class Hit:
    doc_id: str
    snippet: str
    score: float


def create(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # unicode61 already drops combining marks; our own folding also maps đ→d, which it does not.
            conn.execute(
                text(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_FTS_TABLE} USING fts5("
                    "doc_id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2')"
                )
            )
        else:
            _fallback.metadata.create_all(conn)


def replace(session: Session, doc_id: str, body: str) -> None:
    folded = fold(body)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {_FTS_TABLE} WHERE doc_id = :d"), {"d": doc_id})
        if folded.strip():
            session.execute(text(f"INSERT INTO {_FTS_TABLE}(doc_id, body) VALUES (:d, :b)"), {"d": doc_id, "b": folded})
    else:
        session.execute(delete(_fallback).where(_fallback.c.doc_id == doc_id))
        session.execute(insert(_fallback).values(doc_id=doc_id, body=folded))


def _match_expression(tokens: list[str]) -> str:
    # Every token quoted: user text never reaches FTS5's query syntax (NEAR, OR, column filters, '*').
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def search(session: Session, query: str, *, limit: int = 50, batch: str | None = None) -> list[Hit]:
    tokens = fold_tokens(query)
    if not tokens:
        return []
    if session.get_bind().dialect.name == "sqlite":
        sql = (
            f"SELECT f.doc_id, bm25({_FTS_TABLE}) AS score FROM {_FTS_TABLE} f "
            "JOIN documents d ON d.doc_id = f.doc_id "
            f"WHERE {_FTS_TABLE} MATCH :q" + (" AND d.batch = :batch" if batch else "") + " ORDER BY score LIMIT :n"
        )
        rows = session.execute(text(sql), {"q": _match_expression(tokens), "n": limit, "batch": batch}).all()
        found = [(doc_id, -float(score)) for doc_id, score in rows]
    else:
        stmt = select(_fallback.c.doc_id).join(Document, Document.doc_id == _fallback.c.doc_id)
        for token in tokens:
            stmt = stmt.where(_fallback.c.body.contains(token))
        if batch:
            stmt = stmt.where(Document.batch == batch)
        found = [(doc_id, 1.0) for doc_id in session.scalars(stmt.limit(limit))]
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
