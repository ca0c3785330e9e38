"""The S3 server unreachable for 20 s in the middle of an upload, and unreachable for good.

Two honest kinds of "unreachable", each on a cluster of the test's own:
- frozen: radosgw stopped with SIGSTOP. The kernel still accepts connections, nothing answers: requests hang
  until the read timeout, as behind a dead router or with a hung server.
- gone: radosgw killed. Connections are refused, as while a server restarts; then it is started again on the
  same port, over the same data.
And a busy server: RGW limited to one request at a time answers 503 SlowDown to the next one.
The outage starts from inside the upload, once its first part has been sent, so it hits a multipart upload
in progress; the put must succeed once the server is back, and fail with a typed error, in bounded time,
when it never comes back.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from storage import s3 as s3_module
from storage.objects import StorageUnavailable, open_store
from storage.streams import CheckedReader
from tests.servers.rgw import RgwServer

PART = 5 * 1024 * 1024
OUTAGE = 20.0
RETRY_SECONDS, CONNECT_TIMEOUT, READ_TIMEOUT = 4, 2, 2
# The budget is checked between attempts: the attempt that found the server frozen and the last one started
# before the budget ran out each cost up to connect + read timeout (a part blocked while it is sent under the
# connect timeout, then the SDK's abort of the multipart upload waiting for its answer); 1 s of slack.
BUDGET_BOUND = RETRY_SECONDS + 2 * (CONNECT_TIMEOUT + READ_TIMEOUT) + 1


def outage_after_first_part(monkeypatch, start_outage) -> threading.Event:
    """Make the next upload call ``start_outage()`` as it reads its second part (the first one is sent)."""
    fired = threading.Event()

    class Reader(CheckedReader):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.sent = 0

        def read(self, n: int = -1) -> bytes:
            if self.sent >= PART and not fired.is_set():
                fired.set()
                start_outage()
            data = super().read(n)
            self.sent += len(data)
            return data

    monkeypatch.setattr(s3_module, "CheckedReader", Reader)
    return fired


def big_file(tmp_path):
    path = tmp_path / "long-scan.tif"
    path.write_bytes(os.urandom(3 * PART + 4321))
    return path


@pytest.mark.parametrize("kind", ["frozen", "gone"])
def test_upload_rides_out_20s_outage(private_rgw, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("SOHOA_S3_PART_SIZE", str(PART))
    monkeypatch.setenv("SOHOA_S3_READ_TIMEOUT", "5")  # a frozen server costs a timeout and a retry, not a hang
    store = open_store(private_rgw.storage_url("outage"))
    store.put_bytes("originals/first", b"bucket and connections in place")
    path = big_file(tmp_path)
    timeline: dict[str, float] = {}

    def back_after_outage() -> None:
        time.sleep(OUTAGE)
        timeline["back"] = time.monotonic()
        if kind == "frozen":
            private_rgw.resume_gateway()
        else:
            private_rgw.start_gateway()

    restorer = threading.Thread(target=back_after_outage)

    def start_outage() -> None:
        timeline["down"] = time.monotonic()
        private_rgw.pause_gateway() if kind == "frozen" else private_rgw.kill_gateway()
        restorer.start()

    fired = outage_after_first_part(monkeypatch, start_outage)
    store.put_file("originals/long", path, content_type="image/tiff")
    done = time.monotonic()
    restorer.join()

    assert fired.is_set()
    assert done >= timeline["back"]  # it really waited the outage out, then finished
    assert done - timeline["down"] < OUTAGE + 30
    assert store.stat("originals/long").sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert store.get_bytes("originals/long") == path.read_bytes()


@pytest.mark.parametrize("kind", ["frozen", "gone"])
def test_upload_fails_in_bounded_time_when_the_server_never_returns(private_rgw, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("SOHOA_S3_PART_SIZE", str(PART))
    monkeypatch.setenv("SOHOA_S3_RETRY_SECONDS", str(RETRY_SECONDS))
    monkeypatch.setenv("SOHOA_S3_CONNECT_TIMEOUT", str(CONNECT_TIMEOUT))
    monkeypatch.setenv("SOHOA_S3_READ_TIMEOUT", str(READ_TIMEOUT))
    store = open_store(private_rgw.storage_url("outage"))
    store.put_bytes("originals/first", b"bucket and connections in place")
    path = big_file(tmp_path)
    timeline: dict[str, float] = {}

    def start_outage() -> None:
        timeline["down"] = time.monotonic()
        private_rgw.pause_gateway() if kind == "frozen" else private_rgw.kill_gateway()

    outage_after_first_part(monkeypatch, start_outage)
    with pytest.raises(StorageUnavailable) as err:
        store.put_file("originals/long", path)
    waited = time.monotonic() - timeline["down"]
    assert RETRY_SECONDS <= waited < BUDGET_BOUND, waited
    assert err.value.code == "storage_unavailable"
    assert "originals/long" in str(err.value) and private_rgw.secret_key not in str(err.value)

    # Reads fail the same bounded way; when the server returns, the store works again.
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        store.get_bytes("originals/first")
    assert time.monotonic() - started < BUDGET_BOUND
    private_rgw.resume_gateway() if kind == "frozen" else private_rgw.start_gateway()
    assert store.get_bytes("originals/first") == b"bucket and connections in place"
    assert not store.exists("originals/long")


def _hold_the_only_slot(port: int, url) -> socket.socket:
    """A GET of the big object that reads none of it. The gateway may still count the upload that just ended
    against its one slot for a moment (it answered 503 once in CI): ask again until it serves the GET."""
    deadline = time.monotonic() + 10
    while True:
        hog = socket.create_connection(("127.0.0.1", port))
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        hog.sendall(f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode())
        status = hog.recv(12)
        if status == b"HTTP/1.1 200" or time.monotonic() > deadline:
            assert status == b"HTTP/1.1 200"
            return hog
        hog.close()
        time.sleep(0.2)


def test_throttled_requests_are_retried_until_the_server_has_room(caplog):
    with RgwServer(memstore_bytes=256 << 20, rgw_options={"rgw max concurrent requests": "1"}) as server:
        store = open_store(server.storage_url("busy"))
        store.put_bytes("originals/big", os.urandom(32 << 20))
        # A client that asks for 32 MiB and reads none of it holds the gateway's only request slot.
        url = urlsplit(store.presigned_url("originals/big"))
        hog = _hold_the_only_slot(server.port, url)
        released = threading.Timer(3.0, hog.close)
        released.start()
        caplog.set_level(logging.WARNING, logger="storage.s3_retry")
        try:
            store.put_bytes("originals/small", b"waits its turn")
        finally:
            released.join()
        assert any("SlowDown (HTTP 503)" in r.getMessage() for r in caplog.records)
        assert store.get_bytes("originals/small") == b"waits its turn"
