"""The application ``sohoa serve`` runs: the intake API (``api.app``) with the staff page mounted beside it."""

from __future__ import annotations

from fastapi import FastAPI

from api import app as base
from api import web
from config.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    app = base.create_app(settings, routers=web.routers())
    web.install(app)
    return app
