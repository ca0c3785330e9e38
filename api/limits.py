"""Request bodies are small JSON objects: anything bigger is refused (413) before it is read into memory."""

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
