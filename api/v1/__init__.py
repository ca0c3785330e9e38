"""Version 1 of the HTTP API (``/v1``): every route needs an API key.

Each module's router carries the ``/v1`` prefix itself, so a route's template (in metrics, logs, problem
``instance``) is its full path.
"""

from __future__ import annotations

from api.v1 import citizens, documents, dossiers

ROUTERS = (citizens.router, documents.router, dossiers.router)
