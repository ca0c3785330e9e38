"""pytest fixtures for the S3 test server (imported by tests/conftest.py).

One cluster per pytest process, started the first time a test asks for it (about 1.5-2 s): with ``-n 2``
each xdist worker has its own, on its own ports, so a test that stops its gateway (those use ``private_rgw``)
never disturbs another worker's tests. Each test gets its own bucket.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.servers.rgw import RgwServer


@pytest.fixture(scope="session")
def rgw() -> Iterator[RgwServer]:
    # Missing Ceph programs fail the test (RgwError says what to install); they never skip it.
    # The cluster's folder is a short one under /tmp: Ceph's admin sockets need paths under 108 bytes.
    server = RgwServer().start()
    yield server
    server.stop()


@pytest.fixture
def private_rgw() -> Iterator[RgwServer]:
    """A cluster of the test's own, for tests that kill or freeze the gateway."""
    server = RgwServer(memstore_bytes=256 << 20).start()
    yield server
    server.stop()


def new_bucket_name() -> str:
    return f"t-{uuid.uuid4().hex[:20]}"


@pytest.fixture
def s3_url(rgw) -> str:
    """``SOHOA_STORAGE_URL`` of a bucket of this test's own (created by the store on first use)."""
    return rgw.storage_url(new_bucket_name())
