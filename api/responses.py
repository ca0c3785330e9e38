"""Documented error answers, so the OpenAPI schema says what each route can answer besides success."""

from __future__ import annotations

from http import HTTPStatus

from api.problems import MEDIA_TYPE

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_WHY = {
    400: "Bad request: a missing purpose (intake keys), a malformed body or cursor",
    401: "No API key, or a wrong or revoked one",
    403: "The key's scopes do not cover this route",
    404: "No such document, dossier or route",
    409: "Refused: conflicts with what is recorded",
    413: "The body is too large",
    422: "A malformed parameter or body field",
    429: "Too many requests for this key; see Retry-After",
    503: "Not ready: the index or the object store cannot be reached",
}


def problems(*statuses: int) -> dict[int | str, dict]:
    out: dict[int | str, dict] = {}
    for status in statuses:
        entry: dict = {
            "description": _WHY.get(status, HTTPStatus(status).phrase),
            "content": {MEDIA_TYPE: {"schema": _PROBLEM}},
        }
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        if status == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        out[status] = entry
    return out


# Every authenticated route can answer these.
AUTHENTICATED = (400, 401, 403, 413, 422, 429)
