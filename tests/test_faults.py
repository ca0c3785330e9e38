"""Faults while a batch runs on rq workers, each checked by its invariants afterwards: every input has
exactly one record, every record's objects exist and match, nothing is left failed or half-done.

Real synthetic scans through the real pipeline; a real Redis (its own, on a free port). The store and the
index come from the ``backends`` fixture: ``file://`` + SQLite here (the S3 and PostgreSQL faults join when
their servers' launchers are available).
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from rq.job import Job
from rq.results import Result
from rq.serializers import JSONSerializer

from tests.queue_harness import Cluster, horse_of, kill_session, wait_until, write_bundle
from tests.servers.redis import RedisServer


@pytest.fixture
def backends(tmp_path) -> dict:
    return {"storage_url": (tmp_path / "objects").as_uri(), "database_url": f"sqlite:///{tmp_path / 'index.sqlite3'}"}


@pytest.fixture
def cluster(tmp_path, backends):
    with RedisServer(tmp_path / "redis") as redis:
        home = tmp_path / "home"
        home.mkdir()
        cluster = Cluster(home, redis, **backends)
        # The index's tables, made once before processes race to make them (SQLite's CREATE is not IF NOT EXISTS).
        cluster.sohoa("status", "--batch", "-", check=True)
        try:
            yield cluster
        finally:
            cluster.stop_all()


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory):
    """A two-page archive file (first, so the first worker takes it) and a single page."""
    folder = tmp_path_factory.mktemp("scans")
    inputs = {
        "a-box.tif": write_bundle(folder / "a-box.tif", [(301, "birth_certificate"), (302, "death_certificate")]),
        "b-birth.png": write_bundle(folder / "b-birth.png", [(303, "birth_certificate")]),
    }
    return folder, inputs


def _first_started(cluster: Cluster) -> Job:
    return wait_until(lambda: next(iter(cluster.started_jobs()), None), 180, "a job to start")


def _record_missing(cluster: Cluster, doc_id: str) -> bool:
    return cluster.sohoa("docs", "show", doc_id, "--json").returncode != 0


def _fetch(cluster: Cluster, job_id: str) -> Job:
    return Job.fetch(job_id, connection=cluster.connection(), serializer=JSONSerializer)


def _successes(job: Job) -> int:
    return sum(r.type == Result.Type.SUCCESSFUL for r in job.results())


def test_worker_killed_mid_document_its_job_is_taken_up_again_and_finished_once(cluster, two_docs):
    folder, inputs = two_docs
    cluster.sohoa("ingest", "--queue", str(folder), "--batch", "kill", check=True)
    first = cluster.start_worker(name="doomed")
    job = _first_started(cluster)
    wait_until(lambda: horse_of(first.pid), 60, "the work horse")
    time.sleep(2.0)  # into the document's OCR
    kill_session(first.pid)  # the machine dies: worker, work horse, Tesseract, all at once
    first.wait()
    doc_id = job.meta["doc_id"]
    assert _record_missing(cluster, doc_id), "the kill came after the document was finished"

    cluster.start_worker(name="survivor")
    cluster.wait_done("kill", timeout=480)
    cluster.stop_all()

    records = cluster.check_invariants("kill", inputs)
    assert {r["status"] for r in records.values()} <= {"done", "review"}
    job = _fetch(cluster, job.id)
    assert job.get_status() == "finished"
    assert job.meta["error"]["code"] == "worker_lost"  # rq's AbandonedJobError reached the failure callback
    assert job.retries_left == 2  # the abandonment used one retry ...
    assert _successes(job) == 1  # ... and the document was finished once
    assert cluster.failed_job_count() == 0


def test_work_horse_killed_mid_document_the_worker_retries_it(cluster, two_docs):
    folder, inputs = two_docs
    cluster.sohoa("ingest", "--queue", str(folder), "--batch", "horse", check=True)
    worker = cluster.start_worker()
    job = _first_started(cluster)
    horse = wait_until(lambda: horse_of(worker.pid), 60, "the work horse")
    time.sleep(2.0)
    os.killpg(horse, signal.SIGKILL)  # the out-of-memory killer's way: the job's process only
    assert _record_missing(cluster, job.meta["doc_id"])

    cluster.wait_done("horse", timeout=480)
    assert worker.poll() is None, "the worker itself must survive its work horse"
    cluster.stop_all()

    records = cluster.check_invariants("horse", inputs)
    assert {r["status"] for r in records.values()} <= {"done", "review"}
    job = _fetch(cluster, job.id)
    assert job.meta["error"]["code"] == "worker_crashed"
    assert job.retries_left == 2
    assert _successes(job) == 1
    assert cluster.failed_job_count() == 0


def test_redis_restarted_mid_batch_nothing_lost_or_doubled(cluster, tmp_path):
    first_inputs = {
        "a-box.tif": write_bundle(tmp_path / "r1" / "a-box.tif", [(311, "marriage_certificate"), (312, "decision")]),
        "b-death.png": write_bundle(tmp_path / "r1" / "b-death.png", [(313, "death_certificate")]),
        "c-birth.png": write_bundle(tmp_path / "r1" / "c-birth.png", [(314, "birth_certificate")]),
    }
    later_inputs = {"d-birth.png": write_bundle(tmp_path / "r2" / "d-birth.png", [(315, "birth_certificate")])}
    follower = cluster.spawn("ingest", "--queue", "--wait", str(tmp_path / "r1"), "--batch", "r1", log_name="ingest-r1")
    wait_until(lambda: cluster.status("r1")["total"] == 3, 120, "the batch to be queued")
    workers = cluster.start_worker("--processes", "2")
    wait_until(lambda: (s := cluster.status("r1"))["done"] + s["review"] >= 1 and s["queued"] + s["processing"], 480,
               "the batch to be under way")

    cluster.redis.stop()  # graceful: the append-only file is complete
    late = cluster.spawn("ingest", "--queue", str(tmp_path / "r2"), "--batch", "r2", log_name="ingest-r2")
    time.sleep(3.0)
    cluster.redis.start()  # same port, same data

    assert follower.wait(timeout=600) == 0, follower.log_path.read_text()[-3000:]
    assert late.wait(timeout=300) == 0, late.log_path.read_text()[-3000:]
    cluster.wait_done("r2", timeout=480)
    assert workers.poll() is None, "the workers must survive a Redis restart"
    cluster.stop_all()

    for batch, inputs in (("r1", first_inputs), ("r2", later_inputs)):
        records = cluster.check_invariants(batch, inputs)
        assert {r["status"] for r in records.values()} <= {"done", "review"}
    assert cluster.failed_job_count() == 0


@pytest.fixture(scope="module")
def three_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three")
    docs = [(321, "birth_certificate"), (322, "death_certificate"), (323, "marriage_certificate")]
    return folder, {f"{i}.png": write_bundle(folder / f"{i}.png", [doc]) for i, doc in enumerate(docs)}


def _under_way(cluster: Cluster, batch: str) -> dict:
    return wait_until(lambda: (s := cluster.status(batch))["done"] + s["review"] >= 1 and s["queued"] + s["processing"],
                      480, f"batch {batch} to be under way")


def _cluster(tmp_path, redis, storage_url: str, database_url: str) -> Cluster:
    home = tmp_path / "home"
    home.mkdir()
    cluster = Cluster(home, redis, storage_url, database_url)
    cluster.sohoa("status", "--batch", "-", check=True)
    return cluster


def test_s3_unreachable_for_20_s_mid_batch(tmp_path, private_rgw, three_pages):
    folder, inputs = three_pages
    with RedisServer(tmp_path / "redis") as redis:
        cluster = _cluster(tmp_path, redis, private_rgw.storage_url("faults"), f"sqlite:///{tmp_path / 'i.sqlite3'}")
        try:
            cluster.sohoa("ingest", "--queue", str(folder), "--batch", "s3", check=True)
            workers = cluster.start_worker("--processes", "2")
            _under_way(cluster, "s3")
            private_rgw.kill_gateway()  # connections refused: the S3 server is gone
            time.sleep(20)
            private_rgw.start_gateway()
            cluster.wait_done("s3", timeout=480)
            assert workers.poll() is None
        finally:
            cluster.stop_all()
        records = cluster.check_invariants("s3", inputs)
        assert {r["status"] for r in records.values()} <= {"done", "review"}
        assert cluster.failed_job_count() == 0


def test_postgresql_restarted_mid_batch_workers_reconnect(tmp_path, three_pages):
    from tests.servers.postgres import PostgresServer

    folder, inputs = three_pages
    with RedisServer(tmp_path / "redis") as redis, PostgresServer() as pg:
        cluster = _cluster(tmp_path, redis, (tmp_path / "objects").as_uri(), pg.create_database("faults"))
        try:
            cluster.sohoa("ingest", "--queue", str(folder), "--batch", "pg", check=True)
            workers = cluster.start_worker("--processes", "2")
            _under_way(cluster, "pg")
            pg.restart()  # every open session ends; workers reconnect
            cluster.wait_done("pg", timeout=480)
            assert workers.poll() is None
        finally:
            cluster.stop_all()
        records = cluster.check_invariants("pg", inputs)
        assert {r["status"] for r in records.values()} <= {"done", "review"}
        assert cluster.failed_job_count() == 0
