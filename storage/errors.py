"""Typed errors of the object store, the same for every backend (``file://`` and ``s3://``).

Messages name the store by ``describe()``, never by its URL: an S3 URL carries the secret key.
"""

from __future__ import annotations

from ingest.errors import SohoaError


class StorageError(SohoaError):
    code = "storage_error"


class ObjectNotFound(StorageError):
    code = "object_not_found"


class InvalidStorageUrl(StorageError):
    """``SOHOA_STORAGE_URL`` cannot be understood (the message shows it with the secret masked)."""

    code = "invalid_storage_url"


class ChecksumMismatch(StorageError):
    """The bytes read back are not the bytes stored (``checksum_mismatch``), or the object carries no SHA-256
    to check them against (``checksum_missing``). Never retried: reading again gives the same bytes."""

    code = "checksum_mismatch"


class SourceChanged(StorageError):
    """A file changed while it was being stored; nothing was written."""

    code = "source_changed"


class StorageUnavailable(StorageError):
    """The store did not answer (connection refused or dropped, timeouts, 5xx, throttling) for longer than the
    retry budget; the operation can be retried later."""

    code = "storage_unavailable"


class StorageAuthError(StorageError):
    """The store refused our credentials (wrong access or secret key, or no permission on the bucket)."""

    code = "storage_auth_failed"
