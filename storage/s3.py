"""The object store on S3 (MinIO in production, Ceph RGW in tests) through the ``minio`` SDK.

Same keys and behaviour as the folder store. Every object carries its SHA-256 as user metadata
(``x-amz-meta-sha256``) and every read is checked against it. Objects up to ``part_size`` go up in one PUT,
larger ones as a multipart upload in parts of ``part_size``, one part at a time (memory stays at one part);
S3 makes an object visible only once it is complete, so readers never see half an object. Every call is
retried on transient failures within one time budget (``storage.s3_retry``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, TypeVar

import certifi
import urllib3
from minio import Minio
from minio.error import S3Error

from storage.errors import ChecksumMismatch, ObjectNotFound, StorageAuthError, StorageError, StorageUnavailable
from storage.keys import check_key
from storage.s3_config import S3Config, S3Options
from storage.s3_retry import AUTH_CODES, Backoff, call_with_retries, is_transient, summary
from storage.streams import CHUNK, CheckedReader, ObjectInfo, ObjectStream, file_digest, replacing

log = logging.getLogger(__name__)
T = TypeVar("T")

SHA_META = "sha256"  # the SDK sends it as X-Amz-Meta-Sha256; S3 hands it back as the x-amz-meta-sha256 header
SHA_HEADER = "x-amz-meta-sha256"
PAGE = 1000  # keys per listing request (S3's maximum)
_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound"})


class S3ObjectStore:
    def __init__(self, config: S3Config, options: S3Options | None = None) -> None:
        self.config = config
        self.options = options or S3Options()
        self._backoff = Backoff(self.options.retry_seconds)
        self._lock = threading.Lock()
        self._client_pid = -1
        self._minio: Minio | None = None
        self._bucket_ready = False

    def describe(self) -> str:
        return self.config.describe()

    def __reduce__(self):
        # Pickled into an rq job, the store would write the secret key into Redis.
        raise TypeError("an S3 object store is not sent to other processes (it holds the secret key): open it "
                        "there from the settings, e.g. workers.context.make_context().store")

    @property
    def client(self) -> Minio:
        # A forked process (rq work-horse, process pool) must not share the parent's pooled sockets.
        if self._minio is None or self._client_pid != os.getpid():
            http = urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=self.options.connect_timeout, read=self.options.read_timeout),
                maxsize=10,
                retries=False,  # storage.s3_retry decides, with one budget for the whole operation
                cert_reqs="CERT_REQUIRED",
                ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            )
            c = self.config
            self._minio = Minio(c.endpoint, c.access_key, c.secret_key, secure=c.secure, region=c.region,
                                http_client=http)
            self._client_pid = os.getpid()
        return self._minio

    # --- errors and retries --------------------------------------------------------------------------

    def _translate(self, exc: Exception, what: str, key: str | None = None) -> StorageError:
        if isinstance(exc, StorageError):
            return exc
        if isinstance(exc, S3Error):
            if exc.code in _NOT_FOUND and key is not None:
                return ObjectNotFound(f"no object {key!r} in {self.describe()}")
            if exc.code in AUTH_CODES:
                return StorageAuthError(
                    f"{what}: {self.describe()} refused the credentials ({exc.code}); check the access and "
                    "secret key in SOHOA_STORAGE_URL and the user's rights on the bucket")
        if is_transient(exc):
            return StorageUnavailable(f"{what}: {self.describe()} failed ({summary(exc)})")
        return StorageError(f"{what} on {self.describe()} failed: {summary(exc)}", code="s3_error")

    def _call(self, what: str, fn: Callable[[], T], key: str | None = None) -> T:
        """``fn()`` with the bucket in place, retried on transient errors; every failure a StorageError."""
        what = f"{what} {key!r}" if key else what
        try:
            self._ensure_bucket()
            return call_with_retries(what, fn, self._backoff)
        except StorageError:
            raise
        except Exception as exc:
            raise self._translate(exc, what, key) from exc

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._lock:
            if self._bucket_ready:
                return
            bucket = self.config.bucket

            def create() -> None:
                if self.client.bucket_exists(bucket):
                    return
                try:
                    self.client.make_bucket(bucket, location=self.config.region)
                    log.info("created bucket %s", self.describe())
                except S3Error as exc:
                    # Another worker created it between our two requests: fine, if it is ours to use.
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
                    if not self.client.bucket_exists(bucket):
                        raise

            try:
                call_with_retries(f"open bucket {bucket}", create, self._backoff)
            except StorageError:
                raise
            except Exception as exc:
                raise self._translate(exc, f"open bucket {bucket}") from exc
            self._bucket_ready = True

    # --- writing -------------------------------------------------------------------------------------

    def _put(self, key: str, open_data: Callable[[], BinaryIO | CheckedReader], size: int, sha256: str,
             content_type: str | None) -> None:
        def attempt() -> None:
            data = open_data()
            try:
                self.client.put_object(
                    self.config.bucket, key, data, size,  # type: ignore[arg-type]
                    content_type=content_type or "application/octet-stream",
                    metadata={SHA_META: sha256},
                    part_size=self.options.part_size,
                    # One part at a time: the SDK's thread pool would hold several parts in memory and
                    # leave its threads waiting when our reader refuses a changed file mid-upload.
                    num_parallel_uploads=1,
                )
            finally:
                data.close()

        self._call("put", attempt, key)

    def put_file(self, key: str, path: str | Path, *, content_type: str | None = None) -> None:
        check_key(key)
        sha256, size = file_digest(path)
        self._put(key, lambda: CheckedReader(open(path, "rb"), size, sha256, key=key),  # noqa: SIM115
                  size, sha256, content_type)

    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        check_key(key)
        self._put(key, lambda: io.BytesIO(data), len(data), hashlib.sha256(data).hexdigest(), content_type)

    def delete(self, key: str) -> None:
        check_key(key)
        self._call("delete", lambda: self.client.remove_object(self.config.bucket, key), key)

    # --- reading -------------------------------------------------------------------------------------

    def stat(self, key: str) -> ObjectInfo:
        """Size, stored SHA-256 and content type, from the object's headers (no body is read)."""
        check_key(key)
        obj = self._call("stat", lambda: self.client.stat_object(self.config.bucket, key), key)
        meta = obj.metadata or {}
        return ObjectInfo(key, int(obj.size or 0), meta.get(SHA_HEADER), obj.content_type)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def _open(self, key: str, chunk_size: int, *, translate: bool) -> ObjectStream:
        response = self.client.get_object(self.config.bucket, key)

        def close() -> None:
            response.close()
            response.release_conn()

        sha256 = response.headers.get(SHA_HEADER)
        if not sha256:
            close()
            raise ChecksumMismatch(f"object {key!r} in {self.describe()} has no SHA-256 to check it against "
                                   "(not written by sohoa?)", code="checksum_missing")
        return ObjectStream(
            key, response.stream(chunk_size), size=int(response.headers.get("content-length", 0)), sha256=sha256,
            content_type=response.headers.get("content-type"), close=close,
            translate=(lambda exc: self._translate(exc, f"get {key!r}", key)) if translate else None)

    def stream(self, key: str, chunk_size: int = CHUNK) -> ObjectStream:
        """The object's bytes in chunks; opening is retried, a failure mid-stream raises StorageUnavailable,
        and bytes that do not match the stored SHA-256 raise ChecksumMismatch after the last chunk."""
        check_key(key)
        return self._call("get", lambda: self._open(key, chunk_size, translate=True), key)

    def get_bytes(self, key: str) -> bytes:
        check_key(key)

        def attempt() -> bytes:
            # Retried as a whole: a connection dropped mid-body is as transient as one refused.
            with self._open(key, CHUNK, translate=False) as stream:
                return stream.read_all()

        return self._call("get", attempt, key)

    def download(self, key: str, path: str | Path) -> None:
        """Write the object to ``path`` only once all of it has been read and checked."""
        check_key(key)

        def attempt() -> None:
            with replacing(path) as out, self._open(key, CHUNK, translate=False) as stream:
                for chunk in stream:
                    out.write(chunk)

        self._call("get", attempt, key)

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under ``prefix`` in key order, a page per request; a page that fails transiently is asked for
        again, starting after the last key already given."""
        last: str | None = None
        while True:
            def page(after: str | None = last) -> list[str]:
                found = []
                for obj in self.client.list_objects(self.config.bucket, prefix=prefix or None, recursive=True,
                                                    start_after=after):
                    found.append(obj.object_name)
                    if len(found) == PAGE:
                        break
                return found

            keys = self._call("list", page)
            yield from keys
            if len(keys) < PAGE:
                return
            last = keys[-1]

    def presigned_url(self, key: str, expires: int | None = None) -> str:
        """A URL that lets whoever holds it GET the object for ``expires`` seconds (default
        ``SOHOA_PRESIGN_SECONDS``). Signed locally: no request is made and the key's existence is not checked."""
        check_key(key)
        seconds = self.options.presign_seconds if expires is None else int(expires)
        if not 1 <= seconds <= 7 * 24 * 3600:
            raise StorageError(f"presigned URL expiry {seconds} s must be 1 s to 7 days", code="invalid_expiry")
        return self.client.presigned_get_object(self.config.bucket, key, expires=timedelta(seconds=seconds))
