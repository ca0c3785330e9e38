"""The reuse report: Decision 766/QĐ-TTg indicator 4.3 over dossiers received in a period.

reuse rate = dossiers with at least one reused document / dossiers received (full points from 80%).
A dossier counts in the period by the day it was received, and its reuses count with it whenever they were
recorded. ``sohoa report reuse`` and ``GET /v1/reports/reuse`` both call :func:`reuse_report`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from storage.access_schema import DossierRow, ReuseRow
from storage.index import Index

GROUPS = ("month", "procedure")


def _key(group_by: str | None) -> ColumnElement | None:
    if group_by == "month":
        return func.substr(DossierRow.received_on, 1, 7)
    if group_by == "procedure":
        return DossierRow.procedure_code
    return None  # one group; a constant in GROUP BY is an error on PostgreSQL


def _figures(index: Index, key: ColumnElement | None, start: date, end: date) -> dict[str, dict]:
    in_period = DossierRow.received_on.between(start.isoformat(), end.isoformat())
    groups: dict[str, dict] = {}
    received = select(key if key is not None else literal("all"), func.count()).where(in_period)
    pairs_query = select(ReuseRow.dossier_code, ReuseRow.doc_id).join(
        DossierRow, DossierRow.dossier_code == ReuseRow.dossier_code
    )
    if key is not None:
        received = received.group_by(key)
        pairs_query = pairs_query.add_columns(key.label("k"))
    pairs = pairs_query.where(in_period).distinct().subquery()  # one (dossier, document) pair per reused document
    reusing = select(
        pairs.c.k if key is not None else literal("all"), func.count(distinct(pairs.c.dossier_code)), func.count()
    )
    if key is not None:
        reusing = reusing.group_by(pairs.c.k)
    with index.session() as s:
        for k, n in s.execute(received):
            if n:
                groups[str(k)] = {"dossiers_received": n, "dossiers_reusing": 0, "documents_reused": 0}
        for k, dossiers, documents in s.execute(reusing):
            if documents:
                groups[str(k)].update(dossiers_reusing=dossiers, documents_reused=documents)
    for figures in groups.values():
        received = figures["dossiers_received"]
        figures["reuse_rate"] = round(figures["dossiers_reusing"] / received, 4) if received else 0.0
    return groups


def _top_types(index: Index, start: date, end: date) -> list[dict]:
    in_period = DossierRow.received_on.between(start.isoformat(), end.isoformat())
    reused = (
        select(ReuseRow.dossier_code, ReuseRow.doc_id, ReuseRow.doc_type)
        .join(DossierRow, DossierRow.dossier_code == ReuseRow.dossier_code)
        .where(in_period)
        .distinct()
        .subquery()
    )
    count = func.count().label("n")
    with index.session() as s:
        rows = s.execute(
            select(reused.c.doc_type, count).group_by(reused.c.doc_type).order_by(count.desc(), reused.c.doc_type)
        ).all()
    return [{"doc_type": t, "documents_reused": n} for t, n in rows]


def reuse_report(index: Index, start: date, end: date, group_by: str | None = None) -> dict:
    """The figures for dossiers received from ``start`` to ``end`` (both days included)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    if group_by not in (None, *GROUPS):
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    total = _figures(index, None, start, end).get("all") or {
        "dossiers_received": 0,
        "dossiers_reusing": 0,
        "documents_reused": 0,
        "reuse_rate": 0.0,
    }
    report = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "dossiers_received": total["dossiers_received"],
        "dossiers_reusing": total["dossiers_reusing"],
        "reuse_rate": total["reuse_rate"],
        "documents_reused": total["documents_reused"],
        "top_document_types": _top_types(index, start, end),
        "group_by": group_by,
        "groups": [],
    }
    if group_by:
        groups = _figures(index, _key(group_by), start, end)
        report["groups"] = [{"key": k, **groups[k]} for k in sorted(groups)]
    return report
