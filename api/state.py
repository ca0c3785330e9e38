"""What every request handler needs, opened once per worker process when the app starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from api.ratelimit import Buckets
from config.settings import Settings
from storage.index import Index
from storage.objects import ObjectStore
from storage.writes import GroupWriter

if TYPE_CHECKING:
    from api.auth import KeyCache


@dataclass
class AppState:
    settings: Settings
    index: Index
    store: ObjectStore
    buckets: Buckets
    writer: GroupWriter  # audit rows, dossiers and reuses: group commit (see storage.writes)
    keys: KeyCache


def app_state(request: Request) -> AppState:
    return request.app.state.sohoa
