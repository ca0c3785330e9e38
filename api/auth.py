"""Who is calling, may they, and why: API keys (Bearer), scopes, the per-key rate limit, the purpose.

Scopes: ``intake`` (an intake system reading a citizen's documents and recording dossiers), ``staff``
(records staff: search, review candidates, reports), ``admin`` (everything staff may, plus access logs),
``sensitive`` (added to any of them: sensitive fields are included). Refusals of an identified caller
(403, a missing purpose) are themselves audited; a caller without a valid key is not identified (401).
The staff page (issue 7) authenticates with sessions and builds the same :class:`Principal`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.problems import ApiError
from api.state import AppState, app_state
from storage import apikeys, audit

UserId = Annotated[str | None, Header(max_length=100, description="The official at the intake desk")]
_bearer = HTTPBearer(auto_error=False, description="An API key from `sohoa apikey create`")
_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="sohoa"'}
_REASONS = {
    "missing": "this route needs an API key: Authorization: Bearer <key>",
    "malformed": "the API key is not in the form sohoa_<id>_<secret>",
    "unknown": "the API key is not valid",
    "wrong_secret": "the API key is not valid",
    "revoked": "the API key has been revoked",
}


@dataclass(frozen=True)
class Principal:
    name: str
    scopes: frozenset[str]
    key_id: str | None = None
    rate_limit: float | None = None
    kind: str = "apikey"  # apikey | session (the staff page)

    @property
    def is_staff(self) -> bool:
        return bool(self.scopes & {"staff", "admin"})

    @property
    def sees_sensitive(self) -> bool:
        return "sensitive" in self.scopes


@dataclass(frozen=True)
class Caller:
    """An authorized request: the principal and the audit context its rows carry."""

    principal: Principal
    access: audit.Access
    state: AppState

    def for_purpose(self, purpose: str) -> Caller:
        return replace(self, access=replace(self.access, purpose=purpose))

    def hidden_fields(self) -> frozenset[str]:
        return frozenset() if self.principal.sees_sensitive else self.state.settings.sensitive_field_names

    def audit(self, action: str, outcome: str, *, doc_id: str | None = None, citizen_id: str | None = None) -> None:
        event = audit.Event(action, outcome, doc_id, citizen_id)
        self.state.writer.run(lambda s: audit.add(s, self.access, event))


class KeyCache:
    """Keys verified in the last few seconds, so most requests need no database round trip (and no thread).

    Only valid keys are kept, for ``ttl`` seconds: a revoked key is refused at most that long after
    ``sohoa apikey revoke``. Keyed by a hash of the token, never the token itself.
    """

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._keys: dict[str, tuple[float, apikeys.Verdict]] = {}

    def get(self, token: str) -> apikeys.Verdict | None:
        hit = self._keys.get(self._name(token))
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def put(self, token: str, verdict: apikeys.Verdict) -> None:
        if verdict.reason != "ok" or self.ttl <= 0:
            return
        if len(self._keys) >= self.size:
            self._keys.clear()
        self._keys[self._name(token)] = (time.monotonic() + self.ttl, verdict)

    @staticmethod
    def _name(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    state = app_state(request)
    if credentials is None:
        raise ApiError(401, "unauthenticated", _REASONS["missing"], headers=_UNAUTHORIZED)
    token = credentials.credentials.strip()
    verdict = state.keys.get(token)
    if verdict is None:
        verdict = await run_in_threadpool(apikeys.verify, state.index, token)
        state.keys.put(token, verdict)
    if verdict.key is None or verdict.reason != "ok":
        raise ApiError(401, "unauthenticated", _REASONS[verdict.reason], headers=_UNAUTHORIZED)
    key = verdict.key
    principal = Principal(key.name, key.scopes, key.key_id, key.rate_limit)
    request.state.principal = principal
    rate = key.rate_limit or state.settings.api_rate_limit
    burst = max(state.settings.api_rate_burst, math.ceil(2 * rate))
    wait = state.buckets.take(key.key_id, rate, burst)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            "rate_limited",
            f"more than {rate:g} requests per second for this key; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )
    return principal


def _ids_in_path(request: Request) -> dict[str, str | None]:
    """The path's IDs, for a refusal's audit row; kept only when well-formed."""
    params = request.path_params
    citizen = params.get("citizen_id")
    doc = params.get("doc_id")
    return {
        "citizen_id": citizen if isinstance(citizen, str) and citizen.isdigit() and len(citizen) == 12 else None,
        "doc_id": doc if isinstance(doc, str) and doc.isalnum() and len(doc) <= 40 else None,
    }


def require(action: str, scopes: set[str], *, purpose_from: str = "header") -> Callable[..., Caller]:
    """A dependency: authenticated, holding one of ``scopes``, and for intake keys carrying a purpose.

    ``purpose_from``: ``header`` (X-Purpose, required of intake keys) or ``dossier`` (the route's dossier
    code is the purpose; the dossier routes set it themselves).
    """

    async def dependency(
        request: Request,
        principal: Annotated[Principal, Depends(authenticate)],
        x_purpose: Annotated[
            str | None, Header(max_length=200, description="Why the data is read (a dossier code); intake keys must")
        ] = None,
        x_user_id: UserId = None,
    ) -> Caller:
        state = app_state(request)
        purpose = x_purpose.strip() if purpose_from == "header" and x_purpose and x_purpose.strip() else None
        access = audit.Access("api", principal.name, user_id=(x_user_id or "").strip() or None, purpose=purpose)
        caller = Caller(principal, access, state)
        if not principal.scopes & scopes:
            await run_in_threadpool(caller.audit, action, "forbidden", **_ids_in_path(request))
            needed = " or ".join(sorted(scopes))
            raise ApiError(403, "forbidden", f"this route needs an API key with the {needed} scope")
        if purpose_from == "header" and not principal.is_staff and purpose is None:
            await run_in_threadpool(caller.audit, action, "refused_no_purpose", **_ids_in_path(request))
            raise ApiError(
                400, "purpose_required", "intake reads need a purpose: send X-Purpose (the dossier code) and X-User-Id"
            )
        return caller

    if purpose_from != "header":
        # The dossier routes take no X-Purpose header: their dossier code is the purpose.
        async def dossier_dependency(
            request: Request,
            principal: Annotated[Principal, Depends(authenticate)],
            x_user_id: UserId = None,
        ) -> Caller:
            return await dependency(request, principal, None, x_user_id)

        return dossier_dependency
    return dependency
