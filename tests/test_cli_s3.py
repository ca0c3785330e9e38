"""``sohoa`` end to end with its objects in S3 (Ceph RGW): the contract's keys in the bucket, nothing on disk."""

from __future__ import annotations

import hashlib
import json

from tests.conftest import json_lines, pdftotext, run_sohoa
from tests.synth import make_document


def test_ingest_and_export_with_an_s3_store(tmp_path, rgw, s3_url):
    scans = tmp_path / "scans"
    scans.mkdir()
    doc = make_document(211, "birth_certificate", "mild")
    scan = scans / "giay-khai-sinh.png"
    doc.pages[0].convert("RGB").save(scan, dpi=(doc.dpi, doc.dpi))
    home = tmp_path / "home"
    env = {"SOHOA_STORAGE_URL": s3_url}

    proc = run_sohoa(home, "ingest", str(scans), "--batch", "s3", env=env)
    assert proc.returncode == 0, proc.stderr
    assert s3_url.split("@")[0].split(":")[-1] not in proc.stderr + proc.stdout  # the secret key is not shown
    [record] = json_lines(run_sohoa(home, "docs", "list", "--batch", "s3", "--json", env=env, check=True).stdout)
    doc_id, sha = record["doc_id"], hashlib.sha256(scan.read_bytes()).hexdigest()
    assert record["status"] in ("done", "review")

    client, bucket = rgw.client(), s3_url.rsplit("/", 1)[1].split("?")[0]
    keys = {o.object_name for o in client.list_objects(bucket, recursive=True)}
    assert {f"originals/{sha}", f"documents/{doc_id}/document.pdf", f"documents/{doc_id}/metadata.json",
            f"documents/{doc_id}/ocr/page-0001.hocr"} <= keys
    for key in keys:  # every object carries the digest of exactly the bytes stored
        response = client.get_object(bucket, key)
        try:
            assert response.headers["x-amz-meta-sha256"] == hashlib.sha256(response.data).hexdigest(), key
        finally:
            response.close()
            response.release_conn()
    stored = json.loads(client.get_object(bucket, f"documents/{doc_id}/metadata.json").data)
    assert stored["doc_id"] == doc_id and stored["objects"]["original"] == f"originals/{sha}"
    assert not (home / "objects").exists()  # the embedded folder store was not used

    out = tmp_path / "export.pdf"
    run_sohoa(home, "docs", "pdf", doc_id, "-o", str(out), env=env, check=True)
    assert out.read_bytes() == client.get_object(bucket, f"documents/{doc_id}/document.pdf").data
    assert len(pdftotext(out).split()) > 20  # the searchable text layer came back with it
