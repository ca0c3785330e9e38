"""``sohoa ingest --queue`` and ``sohoa worker`` as a user runs them: a long document split into page ranges
gives the same record as a local run; re-queuing never duplicates; bad input is a record, a system failure
lands in the failed-job registry and ``sohoa jobs retry`` finishes it; ``sohoa status`` counts it all."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import subprocess

import pikepdf
import pytest

from storage.objects import open_store
from tests.conftest import SOHOA, json_lines, pdftotext
from tests.queue_harness import Cluster, wait_until, write_bundle
from tests.servers.redis import RedisServer


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


def new_cluster(root, redis: RedisServer, **extra: str) -> Cluster:
    root.mkdir(parents=True)
    redis_client = Cluster(root, redis, "", "").connection()
    redis_client.flushdb()  # one Redis per module; every cluster starts with empty queues
    cluster = Cluster(root, redis, (root / "objects").as_uri(), f"sqlite:///{root / 'index.sqlite3'}", extra=extra)
    cluster.sohoa("status", "--batch", "-", check=True)
    return cluster


@pytest.fixture(scope="module")
def split_and_local(tmp_path_factory, redis):
    """The same long TIFF and PDF digitized twice: locally, and queued in one-page ranges."""
    root = tmp_path_factory.mktemp("split")
    scans = root / "scans"
    write_bundle(scans / "box.tif", [(401, "birth_certificate"), (402, "household_registration"), (403, "decision")])
    write_bundle(scans / "file.pdf", [(404, "death_certificate"), (405, "land_use_certificate")])
    env = {**os.environ, "SOHOA_HOME": str(root / "local"), "SOHOA_JOBS": "2"}
    for key in ("SOHOA_STORAGE_URL", "SOHOA_DATABASE_URL", "SOHOA_REDIS_URL"):
        env.pop(key, None)
    subprocess.run([SOHOA, "ingest", str(scans), "--batch", "b"], env=env, check=True, capture_output=True)
    local = json_lines(
        subprocess.run([SOHOA, "docs", "list", "--batch", "b", "--json"], env=env, check=True, capture_output=True,
                       text=True).stdout
    )
    cluster = new_cluster(root / "queued", redis, SOHOA_CHUNK_PAGES="1")
    worker = cluster.start_worker("--processes", "2")
    ingest = cluster.sohoa("ingest", "--queue", "--wait", str(scans), "--batch", "b")
    cluster.stop_all()
    assert worker.returncode is not None
    return {"local": local, "cluster": cluster, "ingest": ingest, "root": root}


def _comparable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "processed_at"}


def test_split_documents_give_the_local_record(split_and_local):
    assert split_and_local["ingest"].returncode == 0, split_and_local["ingest"].stderr
    queued = {r["source"]["name"]: r for r in split_and_local["cluster"].records("b")}
    local = {r["source"]["name"]: r for r in split_and_local["local"]}
    assert sorted(queued) == ["box.tif", "file.pdf"]
    for name, record in local.items():
        assert record["status"] in ("done", "review")
        assert _comparable(queued[name]) == _comparable(record), name


def test_joined_pdf_is_one_searchable_pdfa_with_every_page(split_and_local, tmp_path):
    cluster = split_and_local["cluster"]
    local_home = split_and_local["root"] / "local"
    store = open_store(cluster.storage_url)
    for record in cluster.records("b"):
        joined = tmp_path / f"{record['doc_id']}.pdf"
        joined.write_bytes(store.get_bytes(record["objects"]["pdf"]))
        subprocess.run(["qpdf", "--check", str(joined)], check=True, capture_output=True)
        with pikepdf.open(joined) as pdf:
            assert len(pdf.pages) == record["source"]["pages"]
            assert pdf.open_metadata().pdfa_status == "2B"
        local_pdf = local_home / "objects" / record["objects"]["pdf"]
        assert pdftotext(joined) == pdftotext(local_pdf)  # the same text layer, page by page
    assert not list(store.list("scratch/")), "page-range results must be cleaned up after the join"


def test_status_counts_documents_and_pages(split_and_local):
    status = split_and_local["cluster"].status("b")
    assert status["total"] == 2 and status["queued"] == status["processing"] == 0
    assert status["done"] + status["review"] == 2
    assert status["pages"]["total"] == 5
    assert status["queue"]["failed"] == 0


def test_requeue_twins_bad_input_failed_jobs_and_retry(tmp_path, redis):
    cluster = new_cluster(tmp_path / "c", redis, SOHOA_JOB_RETRIES="1")
    scans = tmp_path / "scans"
    original = write_bundle(scans / "birth.png", [(411, "birth_certificate")])
    (scans / "copy-of-birth.png").write_bytes(original)
    (scans / "empty.png").write_bytes(b"")

    first = cluster.sohoa("ingest", "--queue", str(scans), "--batch", "t", check=True)
    assert "2 queued" in first.stderr and "1 duplicate" in first.stderr
    again = cluster.sohoa("ingest", "--queue", str(scans), "--batch", "t", check=True)
    assert "0 queued" in again.stderr and "2 already in the queue" in again.stderr
    assert cluster.status("t")["queued"] == 3

    # A system failure: the worker cannot fetch the original (the store lost it). Retried, then failed for good.
    store = open_store(cluster.storage_url)
    key = f"originals/{hashlib.sha256(original).hexdigest()}"
    store.delete(key)
    cluster.sohoa("worker", "--burst", check=True)
    records = {r["source"]["name"]: r for r in cluster.records("t")}
    assert records["empty.png"]["status"] == "failed" and records["empty.png"]["error"]["code"] == "empty_file"
    assert records["birth.png"]["error"]["code"] == "object_not_found"
    assert records["copy-of-birth.png"]["error"]["code"] == "object_not_found"  # the same failure, not a 2nd try
    failed = json_lines(cluster.sohoa("jobs", "failed", "--json", check=True).stdout)
    assert [(f["doc_id"], f["code"]) for f in failed] == [(records["birth.png"]["doc_id"], "object_not_found")]

    store.put_bytes(key, original)
    retried = cluster.sohoa("jobs", "retry", "--all", check=True)
    assert retried.stdout.split() == [records["birth.png"]["doc_id"]]
    assert cluster.status("t")["queued"] == 1
    cluster.sohoa("worker", "--burst", check=True)
    assert json_lines(cluster.sohoa("jobs", "failed", "--json", check=True).stdout) == []

    # Re-running the batch settles what is left as a local run would: the copy becomes a duplicate.
    cluster.start_worker()
    final = cluster.sohoa("ingest", "--queue", "--wait", str(scans), "--batch", "t", timeout=300)
    cluster.stop_all()
    assert final.returncode == 3, final.stderr  # the empty file is refused as bad input
    records = {r["source"]["name"]: r for r in cluster.records("t")}
    assert records["birth.png"]["status"] in ("done", "review")
    assert records["copy-of-birth.png"]["status"] == "duplicate"
    assert records["copy-of-birth.png"]["duplicate_of"] == records["birth.png"]["doc_id"]
    status = json.loads(cluster.sohoa("status", "--batch", "t", "--json", check=True).stdout)
    assert status["total"] == 3 and status["failed"] == 1 and status["duplicate"] == 1
    assert status["done"] + status["review"] == 1


def test_queue_needs_redis(tmp_path):
    env = {**os.environ, "SOHOA_HOME": str(tmp_path)}
    env.pop("SOHOA_REDIS_URL", None)
    (tmp_path / "x.png").write_bytes(b"")
    args = [SOHOA, "ingest", "--queue", str(tmp_path / "x.png")]
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "SOHOA_REDIS_URL" in proc.stderr
    proc = subprocess.run([SOHOA, "worker", "--burst"], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "SOHOA_REDIS_URL" in proc.stderr


def test_watch_feeds_the_queue(tmp_path, redis):
    """With SOHOA_REDIS_URL set, ``sohoa watch`` queues what it takes; a file moves to .done only once a
    worker has written its record, and a bad one to .failed with its reason."""
    cluster = new_cluster(tmp_path / "c", redis)
    folder = tmp_path / "may-quet"
    folder.mkdir()
    write_bundle(folder / "khai-sinh.png", [(421, "birth_certificate")])
    (folder / "hong.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    watch = cluster.spawn("watch", str(folder), "--batch", "w", "--settle", "0.5", log_name="watch")
    try:
        wait_until(lambda: cluster.status("w")["queued"] + cluster.status("w")["failed"] == 2, 120, "both queued")
        assert (folder / "khai-sinh.png").exists(), "moved before any worker processed it"
        cluster.start_worker()
        wait_until(lambda: (folder / ".done" / "khai-sinh.png").exists(), 300, "the scan moved to .done")
        wait_until(lambda: (folder / ".failed" / "hong.png").exists(), 60, "the bad file moved to .failed")
    finally:
        cluster.stop_all()
    assert watch.returncode is not None
    records = {r["source"]["name"]: r for r in cluster.records("w")}
    assert records["khai-sinh.png"]["status"] in ("done", "review")
    assert records["hong.png"]["error"]["code"] == "truncated_image"
    assert "truncated_image" in (folder / ".failed" / "hong.png.reason.txt").read_text(encoding="utf-8")


def test_a_worker_warms_up_before_it_opens_its_queues(monkeypatch):
    import workers.worker as worker

    calls = []
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    monkeypatch.setattr(worker, "warm_up", lambda: calls.append("warm up"))

    def no_redis(settings):
        calls.append("open queues")
        raise ConnectionError("no Redis in this test")

    monkeypatch.setattr(worker, "open_queues", no_redis)
    with pytest.raises(ConnectionError):
        worker.worker_loop(None, burst=True)
    assert calls == ["warm up", "open queues"]


def _models_held(out) -> None:
    from ocr.digit_model import classifier

    out.put(classifier.cache_info().currsize)


def test_work_horses_inherit_the_trained_digit_classifier():
    """rq forks a horse per job: what the worker has made before forking, the horse has without making it."""
    from ocr.digit_model import classifier
    from workers.worker import warm_up

    classifier.cache_clear()
    warm_up()
    ctx = multiprocessing.get_context("fork")  # as rq makes its horses
    out = ctx.Queue()
    horse = ctx.Process(target=_models_held, args=(out,))
    horse.start()
    horse.join(60)
    assert out.get(timeout=10) == 1
