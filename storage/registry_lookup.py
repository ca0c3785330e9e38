"""The lookups citizen matching needs (``extract.blocking.RegistryLookup``) over the ``citizens`` table.

Every lookup is a read, so it is retried while a PostgreSQL server restarts (``storage.engine.with_retry``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

from sqlalchemy import func, select

from extract.evidence import CitizenEntry
from extract.ids import mask_id
from storage.engine import with_retry
from storage.registry import engine_of
from storage.registry_schema import CitizenRow

log = logging.getLogger(__name__)
_TABLE = CitizenRow.__table__
SIZE_TTL = 600.0  # seconds a lookup trusts its count of the registry


def _entry(row) -> CitizenEntry:
    return CitizenEntry(
        citizen_id=row.citizen_id,
        full_name=row.full_name,
        date_of_birth=row.date_of_birth,
        gender=row.gender,
        old_id_number=row.old_id_number,
        place_of_origin=row.place_of_origin,
        permanent_address=row.permanent_address,
        birth_year=row.birth_year,
        name_key=row.name_key,
    )


class SqlRegistryLookup:
    """extract.blocking.RegistryLookup over the ``citizens`` table."""

    def __init__(self, target: object) -> None:
        self.engine = engine_of(target)
        self._size: int | None = None
        self._size_at = 0.0
        self._old_ids: bool | None = None
        self._old_ids_at = 0.0
        self._cols = [
            _TABLE.c.citizen_id,
            _TABLE.c.full_name,
            _TABLE.c.date_of_birth,
            _TABLE.c.gender,
            _TABLE.c.old_id_number,
            _TABLE.c.place_of_origin,
            _TABLE.c.permanent_address,
            _TABLE.c.birth_year,
            _TABLE.c.name_key,
        ]

    def _rows(self, stmt) -> list:
        def once() -> list:
            with self.engine.connect() as conn:
                return list(conn.execute(stmt))

        return with_retry(self.engine, once)

    def _query(self, *where, limit: int | None = None) -> list[CitizenEntry]:
        stmt = select(*self._cols).where(*where).order_by(_TABLE.c.citizen_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_entry(r) for r in self._rows(stmt)]

    def by_id(self, citizen_id: str) -> CitizenEntry | None:
        found = self._query(_TABLE.c.citizen_id == citizen_id)
        log.debug("registry by_id %s: %s", mask_id(citizen_id), "found" if found else "absent")
        return found[0] if found else None

    def by_birth(
        self, date_of_birth: str | None, birth_year: int | None, gender: str | None, *, limit: int = 20_000
    ) -> list[CitizenEntry]:
        where = []
        if date_of_birth:
            where.append(_TABLE.c.date_of_birth == date_of_birth)
        elif birth_year is not None:
            where.append(_TABLE.c.birth_year == birth_year)
        else:
            return []
        if gender:
            where.append(_TABLE.c.gender == gender)
        return self._query(*where, limit=limit)

    def names_born_in(self, birth_year: int, gender: str | None, *, limit: int = 20_001) -> list[tuple[str, str]]:
        where = [_TABLE.c.birth_year == birth_year]
        if gender:
            where.append(_TABLE.c.gender == gender)
        stmt = select(_TABLE.c.citizen_id, _TABLE.c.name_key).where(*where).limit(limit)
        return [(cid, key) for cid, key in self._rows(stmt)]

    def names_born_on(self, dates: Collection[str], gender: str | None, *, limit: int = 20_000
                      ) -> list[tuple[str, str]]:
        if not dates:
            return []
        where = [_TABLE.c.date_of_birth.in_(sorted(dates))]
        if gender:
            where.append(_TABLE.c.gender == gender)
        stmt = select(_TABLE.c.citizen_id, _TABLE.c.full_name).where(*where).limit(limit)
        return [(cid, name) for cid, name in self._rows(stmt)]

    def by_ids(self, citizen_ids: Collection[str]) -> list[CitizenEntry]:
        ids = sorted(set(citizen_ids))
        out: list[CitizenEntry] = []
        for start in range(0, len(ids), 500):  # stay under every driver's bound-parameter limit
            out.extend(self._query(_TABLE.c.citizen_id.in_(ids[start : start + 500])))
        return out

    def by_name_key(
        self, variant_key: str, birth_years: Collection[int] | None = None, *, limit: int = 500
    ) -> list[CitizenEntry]:
        if not variant_key:
            return []
        where = [_TABLE.c.name_key == variant_key]
        if birth_years:
            where.append(_TABLE.c.birth_year.in_(sorted(birth_years)))
        return self._query(*where, limit=limit)

    def by_old_id(self, old_id_number: str) -> list[CitizenEntry]:
        if not old_id_number:
            return []
        return self._query(_TABLE.c.old_id_number == old_id_number, limit=50)

    def count(self) -> int:
        return self._rows(select(func.count()).select_from(_TABLE))[0][0]

    def has_old_ids(self) -> bool:
        if self._old_ids is None or time.monotonic() - self._old_ids_at > SIZE_TTL:
            stmt = select(_TABLE.c.citizen_id).where(_TABLE.c.old_id_number.is_not(None)).limit(1)
            self._old_ids = bool(self._rows(stmt))
            self._old_ids_at = time.monotonic()
        return self._old_ids

    def name_share(self, variant_key: str) -> float:
        if self._size is None or time.monotonic() - self._size_at > SIZE_TTL:
            # Counting a million rows takes a few tens of milliseconds: not once per person.
            self._size, self._size_at = self.count(), time.monotonic()
        if not self._size:
            return 0.0
        stmt = select(func.count()).select_from(_TABLE).where(_TABLE.c.name_key == variant_key)
        return self._rows(stmt)[0][0] / self._size
