"""Parameters several routes share, declared once (validation and OpenAPI text alike)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator

from api.models import CITIZEN_ID
from api.views import EXTRA_PARTS

_PART = "(" + "|".join(EXTRA_PARTS) + ")"
PARTS_PATTERN = rf"^{_PART}(,{_PART})*$"

CitizenId = Annotated[str, Path(pattern=CITIZEN_ID, description="12-digit personal ID")]
Parts = Annotated[
    str | None,
    Query(
        max_length=200, pattern=PARTS_PATTERN, description="More record parts, comma-separated (e.g. persons,source)"
    ),
]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the previous page")]
SearchText = Annotated[
    str, Query(min_length=1, max_length=200, description='Accent-insensitive: "nguyen van an" finds "NGUYỄN VĂN AN"')
]


def _iso_date(value: object) -> object:
    # Pydantic would also take "0" (a Unix time) for a date; the schema promises YYYY-MM-DD only.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
