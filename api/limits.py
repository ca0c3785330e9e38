"""Request bodies are small JSON objects: anything bigger is refused (413) before it is read into memory.

Routes that take files (the staff page's uploads) set their own, larger limit on their path prefix in
``app.state.body_limits`` (a list of ``(prefix, max_bytes)``); they stream the body and check it themselves.
"""

from __future__ import annotations

import json

from api.problems import MEDIA_TYPE, ApiError


class BodyLimit:
    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        app = scope.get("app")
        for prefix, limit in getattr(getattr(app, "state", None), "body_limits", ()):
            if scope["path"].startswith(prefix):
                await self._declared_within(scope, receive, send, limit)
                return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await self._refuse(send, 400, "malformed_request", "Content-Length is not a number")
                return
            if too_big:
                await self._refuse(send, 413, "body_too_large", f"the body is larger than {self.max_bytes} bytes")
                return
            await self.app(scope, receive, send)
            return
        # No length given (chunked): read up to the limit first, then hand the body on.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._refuse(send, 413, "body_too_large", f"the body is larger than {self.max_bytes} bytes")
                return
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _declared_within(self, scope, receive, send, limit: int) -> None:
        """A streamed route: refused early when the declared length is over its limit, else passed on."""
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, 413, "body_too_large", f"the body is larger than {limit} bytes")
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(send, status: int, code: str, detail: str) -> None:
        payload = json.dumps(ApiError(status, code, detail).body()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})
