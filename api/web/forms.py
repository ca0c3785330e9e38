"""Reading a posted form (application/x-www-form-urlencoded) without a multipart parser: the page's forms
are small, and files come as the raw body of an XHR (see ``batches.upload``)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from api.problems import ApiError

MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise ApiError(415, "unsupported_media_type", "send the form as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ApiError(413, "body_too_large", "the form is too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise ApiError(400, "malformed_body", "the form is not UTF-8") from None
    return {k: v for k, v in pairs}
