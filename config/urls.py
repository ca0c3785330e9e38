"""Connection URLs without their secrets, for logs and error messages."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "***"


def mask_url(url: str | None) -> str:
    """The URL with the password of its user part replaced by ``***`` (any scheme; text that is not a URL as is).

    ``postgresql+psycopg://sohoa:s3cret@db:5432/sohoa`` → ``postgresql+psycopg://sohoa:***@db:5432/sohoa``
    """
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, _password = userinfo.partition(":")
    netloc = f"{user}:{MASK}@{hostport}" if sep else f"{user}@{hostport}"
    return urlunsplit(parts._replace(netloc=netloc))
