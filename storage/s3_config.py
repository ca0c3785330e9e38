"""``SOHOA_STORAGE_URL=s3://ACCESS:SECRET@HOST:PORT/BUCKET?secure=false`` read into a typed config.

Query options: ``secure`` (``true``/``false``, default true: HTTPS), ``region`` (default ``us-east-1``, MinIO's
and RGW's default; setting it saves the SDK a bucket-location request). A secret key holding ``/``, ``+``, ``@``
or ``:`` must be percent-encoded in the URL. The secret never appears in ``repr``, ``describe()`` or errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from storage.errors import InvalidStorageUrl

if TYPE_CHECKING:
    from config.settings import Settings

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3's floor for every part but the last
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


@dataclass(frozen=True)
class S3Config:
    endpoint: str  # host:port
    bucket: str
    access_key: str
    secret_key: str = field(repr=False)
    secure: bool = True
    region: str = "us-east-1"

    def describe(self) -> str:
        scheme = "https" if self.secure else "http"
        return f"s3://{self.access_key}@{self.endpoint}/{self.bucket} ({scheme}, {self.region})"


@dataclass(frozen=True)
class S3Options:
    """How the store behaves on the wire; from settings (``SOHOA_S3_*``, ``SOHOA_PRESIGN_SECONDS``)."""

    part_size: int = 16 * MIB  # objects up to this size go in one PUT, larger ones in parts of this size
    retry_seconds: float = 60.0  # keep retrying a failing operation this long before storage_unavailable
    connect_timeout: float = 5.0
    read_timeout: float = 30.0  # longest silence within one request before it counts as failed and is retried
    presign_seconds: int = 900

    def __post_init__(self) -> None:
        if self.part_size < MIN_PART_SIZE or self.part_size > 5 * 1024 * MIB:
            raise InvalidStorageUrl(f"S3 part size {self.part_size} must be between 5 MiB and 5 GiB")
        if not 1 <= self.presign_seconds <= 7 * 24 * 3600:
            raise InvalidStorageUrl(f"presigned URL expiry {self.presign_seconds} s must be 1 s to 7 days")


def s3_options(settings: Settings | None = None) -> S3Options:
    if settings is None:
        from config.settings import load_settings

        settings = load_settings()
    return S3Options(
        part_size=settings.s3_part_size,
        retry_seconds=settings.s3_retry_seconds,
        connect_timeout=settings.s3_connect_timeout,
        read_timeout=settings.s3_read_timeout,
        presign_seconds=settings.presign_seconds,
    )


def redact_url(url: str) -> str:
    """The URL with the password part (the S3 secret key) replaced by ``***``."""
    return re.sub(r"^([a-z0-9+.-]+://[^:/@]*):[^@/]*@", r"\1:***@", url, flags=re.IGNORECASE)


def parse_s3_url(url: str) -> S3Config:
    shown = redact_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidStorageUrl(f"cannot read storage URL {shown}: {exc}") from None
    if parts.scheme != "s3":
        raise InvalidStorageUrl(f"not an s3:// URL: {shown}")
    if not parts.hostname:
        raise InvalidStorageUrl(f"storage URL {shown} names no host")
    if not parts.username or parts.password is None:
        raise InvalidStorageUrl(f"storage URL {shown} needs ACCESS:SECRET@ before the host")
    bucket = parts.path.strip("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise InvalidStorageUrl(f"storage URL {shown}: {bucket!r} is not a valid bucket name (3-63 characters, "
                                "lower-case letters, digits, dots and hyphens)")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - {"secure", "region"})
    if unknown:
        raise InvalidStorageUrl(f"storage URL {shown}: unknown option(s) {', '.join(unknown)} (known: secure, region)")
    secure = options.get("secure", "true").lower()
    if secure not in _TRUE | _FALSE:
        raise InvalidStorageUrl(f"storage URL {shown}: secure must be true or false")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    is_secure = secure in _TRUE
    return S3Config(
        endpoint=f"{host}:{port or (443 if is_secure else 80)}",
        bucket=bucket,
        access_key=unquote(parts.username),
        secret_key=unquote(parts.password),
        secure=is_secure,
        region=options.get("region") or "us-east-1",
    )
