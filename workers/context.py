"""Opening what a command needs (settings, object store, index) from the environment, once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from config.settings import Settings, load_settings
from storage.index import Index
from storage.objects import ObjectStore, open_store
from storage.registry_lookup import SqlRegistryLookup


@dataclass
class Context:
    settings: Settings

    @cached_property
    def store(self) -> ObjectStore:
        return open_store(self.settings.resolved_storage_url)

    @cached_property
    def index(self) -> Index:
        settings = self.settings
        return Index(
            settings.resolved_database_url,
            upgrade=settings.database_auto_upgrade,
            retry_seconds=settings.database_retry_seconds,
        )

    @cached_property
    def registry(self) -> SqlRegistryLookup:
        return SqlRegistryLookup(self.index)


def make_context() -> Context:
    return Context(load_settings())
