"""Retrying S3 calls that failed for reasons that pass: a time budget, exponential backoff with jitter.

The SDK's own urllib3 retries (5 tries, 0.2 s backoff: about 6 s in all, and none for a POST or a dropped
read) are switched off in favour of this single loop, so that one budget (``SOHOA_S3_RETRY_SECONDS``) bounds
every operation: an S3 server gone for 20 s is ridden out, one that never comes back fails with
``storage_unavailable`` after the budget, never hangs.

The budget is checked between attempts, so an operation can outlast it by the attempt that found the server
gone and the last one. Against a server that accepts connections but never answers, one attempt of a
multipart upload costs up to the connect timeout (urllib3 sends a body under the connect timeout: the part
blocks once the socket buffers are full) plus the read timeout (the SDK then aborts the multipart upload, a
request that waits for its answer too).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import urllib3.exceptions
from minio.error import InvalidResponseError, S3Error, ServerError

from storage.errors import StorageUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# S3 error codes that mean "later": the server is busy, throttling, or failed internally.
TRANSIENT_CODES = frozenset({
    "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException",
    "RequestThrottled", "TooManyRequests", "RequestLimitExceeded", "BandwidthLimitExceeded", "OperationAborted",
})
AUTH_CODES = frozenset({
    "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken",
    "AuthorizationHeaderMalformed", "AllAccessDisabled",
})


def http_status(exc: BaseException) -> int | None:
    if isinstance(exc, S3Error):
        return getattr(exc.response, "status", None)
    if isinstance(exc, ServerError):
        return exc.status_code
    if isinstance(exc, InvalidResponseError):
        return exc._code  # the SDK keeps the status only there
    return None


def is_transient(exc: BaseException) -> bool:
    """Connection refused/reset/dropped, timeouts, 5xx and throttling: worth trying again."""
    if isinstance(exc, urllib3.exceptions.HTTPError | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, S3Error) and exc.code in TRANSIENT_CODES:
        return True
    status = http_status(exc)
    return status is not None and (status >= 500 or status == 429)


def summary(exc: BaseException) -> str:
    """A short, secret-free account of an SDK or transport error for messages and logs."""
    if isinstance(exc, S3Error):
        return f"{exc.code} (HTTP {http_status(exc)}): {exc.message}"
    status = http_status(exc)
    if status is not None:
        return f"HTTP {status}"
    reason = getattr(exc, "reason", None)  # urllib3 wraps the socket error it saw
    return f"{type(exc).__name__}: {reason or exc}"


@dataclass(frozen=True)
class Backoff:
    budget: float  # seconds from the first failure after which we stop
    first: float = 0.2
    cap: float = 5.0

    def delay(self, attempt: int) -> float:
        # Full jitter within the upper half: many workers that lost the server together do not return together.
        ceiling = min(self.cap, self.first * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


def call_with_retries(
    what: str,
    fn: Callable[[], T],
    backoff: Backoff,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``fn()``, again after a pause while it fails transiently, until ``backoff.budget`` is spent.

    Non-transient errors go straight to the caller. ``fn`` must be safe to repeat (every S3 call the store
    makes is: a PUT of the same bytes, a GET, a HEAD, a DELETE of a key).
    """
    started: float | None = None  # the budget runs from the first failure, however long that attempt took
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc):
                raise
            attempt += 1
            now = clock()
            started = now if started is None else started
            elapsed = now - started
            if elapsed >= backoff.budget:
                raise StorageUnavailable(
                    f"{what}: no answer after {attempt} attempts over {elapsed:.1f} s ({summary(exc)})") from exc
            # The last pause is cut short so that one more attempt is made right at the end of the budget.
            pause = min(backoff.delay(attempt), backoff.budget - elapsed)
            log.warning("%s failed (%s); attempt %d, retrying in %.1f s", what, summary(exc), attempt, pause)
            sleep(pause)
