"""The staff page's uploads with ``SOHOA_REDIS_URL`` set: queued for rq workers (through the same feeder as
``sohoa watch``), and the batch page counts them the same way until a worker has recorded them."""

from __future__ import annotations

import re

import httpx
import pytest

from config.settings import Settings
from storage import uploads
from storage.index import Index
from tests.queue_harness import wait_until, write_bundle
from tests.servers.redis import RedisServer
from tests.test_queue import new_cluster
from tests.web_support import PASSWORD, LiveServer, add_user


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_uploads_are_queued_for_rq_workers_and_followed_on_the_batch_page(tmp_path, redis):
    cluster = new_cluster(tmp_path / "c", redis)
    add_user(cluster.home, "canbo", "staff")
    settings = Settings(home=cluster.home, redis_url=redis.url, storage_url=cluster.storage_url,
                        database_url=cluster.database_url)
    scan = tmp_path / "khai-sinh.png"
    write_bundle(scan, [(431, "birth_certificate")])
    try:
        with LiveServer(settings) as server, httpx.Client(base_url=server.url, timeout=30) as c:
            form = c.get("/staff/login")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            logged = c.post("/staff/login", data={"csrf": token, "name": "canbo", "password": PASSWORD})
            assert logged.status_code == 303
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/staff/batches").text).group(1)
            for name, data in (("khai-sinh.png", scan.read_bytes()), ("hong.png", b"\x89PNG\r\n\x1a\n broken")):
                headers = {"X-CSRF-Token": csrf, "X-File-Name": name}
                sent = c.post("/staff/batches/q/files", content=data, headers=headers)
                assert sent.status_code == 201, sent.text

            def live() -> dict:
                return c.get("/staff/batches/q/progress", headers={"Accept": "application/json"}).json()

            # No worker yet: both are queued in Redis (the ledger says so), none recorded, the page shows them.
            wait_until(lambda: cluster.status("q")["queued"] == 2, 60, "both files queued for the workers")
            assert live()["total"] == 2 and live()["finished"] == 0 and live()["running"]
            cluster.start_worker()
            wait_until(lambda: live()["finished"] == 2 and not live()["running"], 300, "the worker recorded both")
            progress = live()
            assert progress["by_status"].get("failed") == 1
            assert [f["code"] for f in progress["failures"]] == ["truncated_image"]
    finally:
        cluster.stop_all()
    records = {r["source"]["name"]: r for r in cluster.records("q")}
    assert records["khai-sinh.png"]["status"] in ("done", "review")
    assert uploads.pending(Index(cluster.database_url)) == []  # the ledger closed once the records were there
