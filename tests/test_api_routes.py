"""Every /v1 route through the ASGI app over a real SQLite index and file store: authentication, scopes,
the confirmed-link rule, sensitive fields, audit rows, dossiers and reuse, errors as problem+json."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import text

from storage import apikeys
from storage.citizen_docs import citizen_documents
from tests.api_dataset import ALL_IDS, AN, LAN, LAN_NAMESAKE, PHONG, PURPOSE, QUY, Api
from tests.api_support import store_document
from tests.servers.postgres import PostgresServer


@pytest.fixture
def api(tmp_path, database_url):  # every test on SQLite and on PostgreSQL
    api = Api(tmp_path, database_url=database_url)
    yield api
    for body in api.errors:  # no error body ever carries a full ID number
        for cid in ALL_IDS:
            assert cid not in body, body
    api.client.close()


V1_ROUTES = [
    ("GET", f"/v1/citizens/{AN}/documents", None),
    ("GET", "/v1/documents/abc", None),
    ("GET", "/v1/documents/abc/pdf", None),
    ("GET", "/v1/search?q=an", None),
    (
        "POST",
        "/v1/dossiers",
        {
            "dossier_code": "H29-261125-0001",
            "procedure_code": "1.1",
            "received_at": "2026-11-25T08:00:00",
            "citizen_ids": [AN],
        },
    ),
    ("POST", "/v1/dossiers/H29-261125-0001/reuse", {"doc_id": "abc", "citizen_id": AN}),
    ("GET", "/v1/reports/reuse?from=2026-01-01&to=2026-12-31", None),
    ("GET", f"/v1/citizens/{AN}/access-log", None),
]


@pytest.mark.parametrize(("method", "url", "body"), V1_ROUTES)
def test_every_v1_route_needs_a_valid_key(api, method, url, body):
    revoked = apikeys.create_key(api.ctx.index, "old", ["intake", "staff", "admin"], created_by="test")[1]
    apikeys.revoke(api.ctx.index, "old")
    wrong_secret = api.keys["admin"][:-4] + "AAAA"
    cases = {
        None: "needs an API key",
        "not-a-key": "not in the form",
        "sohoa_aaaaaaaaaaaa_" + "A" * 43: "not valid",
        wrong_secret: "not valid",
        revoked: "revoked",
    }
    for key, words in cases.items():
        r = api.call(method, url, key, json=body)
        assert r.status_code == 401, (key, r.text)
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert words in r.json()["detail"]


def test_a_revoked_key_stops_working_within_the_cache_time(api):
    url = f"/v1/citizens/{AN}/documents"
    assert api.call("GET", url, "staff").status_code == 200
    apikeys.revoke(api.ctx.index, "staff")
    time.sleep(api.settings.api_key_cache_seconds + 0.1)
    r = api.call("GET", url, "staff")
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_scopes_are_enforced_and_refusals_audited(api):
    assert api.call("GET", "/v1/search?q=an", "intake").status_code == 403
    assert api.call("GET", "/v1/reports/reuse?from=2026-01-01&to=2026-01-31", "intake").status_code == 403
    r = api.call("GET", f"/v1/citizens/{AN}/access-log", "staff")
    assert r.status_code == 403 and "admin" in r.json()["detail"]
    body = {
        "dossier_code": "H29-261125-0001",
        "procedure_code": "1.1",
        "received_at": "2026-11-25T08:00:00",
        "citizen_ids": [AN],
    }
    assert api.call("POST", "/v1/dossiers", "staff", json=body).status_code == 403
    refused = [(e.action, e.outcome, e.citizen_id, e.actor) for e in api.audit_rows() if e.outcome == "forbidden"]
    assert ("access_log", "forbidden", AN, "staff") in refused
    assert ("search", "forbidden", None, "intake") in refused


def test_intake_reads_need_a_purpose(api):
    for url in (f"/v1/citizens/{AN}/documents", f"/v1/documents/{api.docs['birth']['doc_id']}"):
        r = api.call("GET", url, "intake", headers={"X-User-Id": "can.bo"})
        assert r.status_code == 400 and r.json()["code"] == "purpose_required"
    rows = api.audit_rows()
    assert [(e.action, e.outcome) for e in rows] == [
        ("citizen_documents", "refused_no_purpose"),
        ("document", "refused_no_purpose"),
    ]
    assert rows[0].citizen_id == AN and rows[1].doc_id == api.docs["birth"]["doc_id"]
    # Staff keys may read without one (a records office checking its own archive).
    assert api.call("GET", f"/v1/citizens/{AN}/documents", "staff").status_code == 200


def test_citizen_documents_lists_confirmed_links_trimmed(api):
    r = api.call("GET", f"/v1/citizens/{QUY}/documents", "intake", headers=PURPOSE)
    assert r.status_code == 200
    docs = r.json()["documents"]
    assert {d["doc_id"] for d in docs} == {api.docs["birth"]["doc_id"], api.docs["marriage"]["doc_id"]}
    birth = next(d for d in docs if d["doc_type"] == "birth_certificate")
    assert birth["role"] == "father" and birth["roles"] == ["father"] and birth["link"] == "confirmed"
    assert birth["key_fields"]["registration_number"] == "123"
    assert birth["issuing_authority"] == "UBND PHƯỜNG HÀNG BẠC" and birth["date"] == "2019-05-06"
    assert birth["pages"] == 1 and birth["reuse_count"] == 0
    assert birth["links"] == {"self": f"/v1/documents/{birth['doc_id']}", "pdf": f"/v1/documents/{birth['doc_id']}/pdf"}
    assert "text" not in birth and "persons" not in birth  # trimmed
    assert docs[0]["doc_type"] == "birth_certificate"  # newest paper first
    row = api.audit_rows()[-1]
    assert (row.channel, row.actor, row.action, row.citizen_id, row.purpose, row.user_id, row.outcome) == (
        "api",
        "intake",
        "citizen_documents",
        QUY,
        PURPOSE["X-Purpose"],
        "can.bo.mot-cua",
        "ok",
    )


def test_filters_and_chosen_parts(api):
    url = f"/v1/citizens/{QUY}/documents"
    only = api.call("GET", url + "?doc_type=marriage_certificate", "intake", headers=PURPOSE).json()["documents"]
    assert [d["doc_type"] for d in only] == ["marriage_certificate"]
    assert [d["role"] for d in api.call("GET", url + "?role=husband", "staff").json()["documents"]] == ["husband"]
    dated = api.call("GET", url + "?from=2019-01-01&to=2019-12-31", "staff").json()["documents"]
    assert [d["doc_type"] for d in dated] == ["birth_certificate"]
    year_only = api.call("GET", f"/v1/citizens/{PHONG}/documents?from=2020-06-01", "staff").json()["documents"]
    assert [d["doc_type"] for d in year_only] == ["death_certificate"]  # a year alone is in its year
    assert api.call("GET", url + "?from=2020-01-01&to=2019-01-01", "staff").status_code == 400
    with_persons = api.call("GET", url + "?fields=persons,source", "staff").json()["documents"]
    assert all("persons" in d and "source" in d for d in with_persons)
    r = api.call("GET", url + "?fields=persons,secrets", "staff")
    assert r.status_code == 422 and "persons, pipeline_version" in r.json()["detail"]
    # A list without bulky parts asked for reads records cut by SQLite (PostgreSQL sends them whole: cutting
    # its json column costs more), the same in all they keep.
    whole, trimmed = citizen_documents(api.ctx.index, QUY), citizen_documents(api.ctx.index, QUY, whole=False)
    assert [d.doc_id for d in trimmed] == [d.doc_id for d in whole] and len(whole) == 2
    cut_here = api.ctx.index.engine.dialect.name == "sqlite"
    for cut, full in zip(trimmed, whole, strict=True):
        assert {"text", "persons"} <= set(full.record)
        assert not {"text", "pages", "persons"} & set(cut.record) if cut_here else cut.record == full.record
        kept = {k: v for k, v in full.record.items() if k not in ("text", "pages", "persons")}
        assert {k: v for k, v in cut.record.items() if k not in ("text", "pages", "persons")} == kept


def test_review_candidates_never_reach_intake_keys(api):
    birth_id = api.docs["birth"]["doc_id"]
    for key in ("intake", "intake_sensitive"):
        docs = api.call("GET", f"/v1/citizens/{LAN}/documents", key, headers=PURPOSE).json()["documents"]
        assert [d["doc_type"] for d in docs] == ["marriage_certificate"]
    assert (
        api.call("GET", f"/v1/citizens/{LAN_NAMESAKE}/documents", "intake", headers=PURPOSE).json()["documents"] == []
    )
    r = api.call("GET", f"/v1/citizens/{LAN}/documents?include=review", "intake", headers=PURPOSE)
    assert r.status_code == 403
    staff_plain = api.call("GET", f"/v1/citizens/{LAN}/documents", "staff").json()["documents"]
    assert birth_id not in {d["doc_id"] for d in staff_plain}
    staff = api.call("GET", f"/v1/citizens/{LAN}/documents?include=review", "staff").json()["documents"]
    marked = {d["doc_id"]: (d["link"], d["roles"]) for d in staff}
    assert marked[birth_id] == ("review_candidate", ["mother"])
    assert marked[api.docs["marriage"]["doc_id"]] == ("confirmed", ["wife"])
    # Intake cannot reuse it either: the link is not confirmed.
    _dossier(api, [LAN])
    r = api.call(
        "POST", "/v1/dossiers/000.00.15.H29-261125-0001/reuse", "intake", json={"doc_id": birth_id, "citizen_id": LAN}
    )
    assert r.status_code == 409 and r.json()["code"] == "link_not_confirmed"


def test_document_record_and_sensitive_fields(api):
    birth_id = api.docs["birth"]["doc_id"]
    plain = api.call("GET", f"/v1/documents/{birth_id}", "intake", headers=PURPOSE).json()
    assert plain["schema"] == "sohoa.document/1" and plain["doc_id"] == birth_id
    assert all("ethnicity" not in p["fields"] for p in plain["persons"])
    assert "Kinh" not in plain["text"] and "Dân tộc: [ẩn]" in plain["text"] and "NGUYỄN VĂN AN" in plain["text"]
    assert all("candidates" not in p["match"] for p in plain["persons"])  # other citizens' IDs
    full = api.call("GET", f"/v1/documents/{birth_id}", "admin").json()
    assert full["persons"][0]["fields"]["ethnicity"]["value"] == "Kinh" and "Dân tộc: Kinh" in full["text"]
    assert [c["citizen_id"] for c in full["persons"][2]["match"]["candidates"]] == [LAN, LAN_NAMESAKE]
    assert full == api.ctx.index.get_record(birth_id)  # the stored record, untouched
    with_scope = api.call("GET", f"/v1/documents/{birth_id}", "intake_sensitive", headers=PURPOSE).json()
    assert with_scope["persons"][0]["fields"]["ethnicity"]["value"] == "Kinh"
    death = api.call("GET", f"/v1/documents/{api.docs['death']['doc_id']}", "staff").json()
    assert "cause_of_death" not in death["fields"] and "bệnh tim" not in death["text"]
    assert "[ẩn]" in death["text"]


def test_unknown_and_malformed_documents(api):
    r = api.call("GET", "/v1/documents/zzzzzzzzzzzzzzzzzzzz", "staff")
    assert r.status_code == 404 and r.json()["code"] == "document_not_found"
    assert api.call("GET", "/v1/documents/NOT-AN-ID!", "staff").status_code == 422
    r = api.call("GET", "/v1/citizens/00108500000/documents", "staff")
    assert r.status_code == 422 and "12-digit" in r.json()["detail"]
    assert api.call("GET", "/v1/nowhere", "staff").status_code == 404
    assert api.call("DELETE", f"/v1/documents/{api.docs['birth']['doc_id']}", "staff").status_code == 405
    assert api.audit_rows()[0].outcome == "not_found"


def test_pdf_is_streamed_and_audited(api):
    doc_id = api.docs["birth"]["doc_id"]
    r = api.call("GET", f"/v1/documents/{doc_id}/pdf", "intake", headers=PURPOSE)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert (
        r.content.startswith(b"%PDF")
        and r.content == (api.ctx.store.root / f"documents/{doc_id}/document.pdf").read_bytes()
    )
    failed = api.call("GET", f"/v1/documents/{api.docs['failed']['doc_id']}/pdf", "staff")
    assert failed.status_code == 404 and failed.json()["code"] == "no_pdf"
    (api.ctx.store.root / f"documents/{doc_id}/document.pdf").unlink()
    gone = api.call("GET", f"/v1/documents/{doc_id}/pdf", "staff")
    assert gone.status_code == 404 and gone.json()["code"] == "pdf_missing"
    assert [e.outcome for e in api.audit_rows() if e.action == "document_pdf"] == ["ok", "no_pdf", "pdf_missing"]


def test_search_is_accent_insensitive_and_paged(api, tmp_path):
    for i in range(5):
        store_document(api.ctx, f"extra-{i}.png", "decision", [], text=f"QUYẾT ĐỊNH số {i} về hộ tịch", tmp=tmp_path)
    r = api.call("GET", "/v1/search?q=nguyen van an", "staff")
    assert [x["doc_id"] for x in r.json()["results"]] == [api.docs["birth"]["doc_id"]]
    assert "NGUYỄN VĂN AN" in r.json()["results"][0]["snippet"]
    seen, cursor = [], None
    while True:
        r = api.call("GET", "/v1/search", "staff", params={"q": "quyet dinh", "limit": 2, "cursor": cursor})
        page = r.json()
        seen += [x["doc_id"] for x in page["results"]]
        assert len(page["results"]) <= 2 and all("text" not in x for x in page["results"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5  # equal scores: no page repeats or skips one
    everything = api.call("GET", "/v1/search", "staff", params={"q": "quyet dinh", "limit": 100}).json()
    assert {x["doc_id"] for x in everything["results"]} == set(seen) and everything["next_cursor"] is None
    r = api.call("GET", "/v1/search", "staff", params={"q": "nguyen", "cursor": "bm90IGEgY3Vyc29y"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    first = api.call("GET", "/v1/search", "staff", params={"q": "ho tich", "limit": 2}).json()["next_cursor"]
    r = api.call("GET", "/v1/search", "staff", params={"q": "quyet dinh", "cursor": first})
    assert r.status_code == 400 and "another query" in r.json()["detail"]
    typed = api.call("GET", "/v1/search", "staff", params={"q": "ha noi", "doc_type": "death_certificate"}).json()
    assert [x["doc_type"] for x in typed["results"]] == ["death_certificate"]
    assert "bệnh tim" not in json.dumps(typed, ensure_ascii=False)  # the snippet is masked too


def _dossier(api, citizens, code="000.00.15.H29-261125-0001", procedure="1.001193", key="intake", **extra):
    body = {
        "dossier_code": code,
        "procedure_code": procedure,
        "received_at": "2026-11-25T09:30:00",
        "citizen_ids": citizens,
        **extra,
    }
    return api.call("POST", "/v1/dossiers", key, json=body, headers={"X-User-Id": "can.bo.mot-cua"})


def test_dossier_registration_answers_each_citizen(api):
    r = _dossier(api, [AN, LAN, "079200000099"])
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["created"] is True and answer["received_at"] == "2026-11-25T09:30:00+07:00"
    by_citizen = {c["citizen_id"]: [d["doc_type"] for d in c["documents"]] for c in answer["citizens"]}
    assert by_citizen == {AN: ["birth_certificate"], LAN: ["marriage_certificate"], "079200000099": []}
    again = _dossier(api, [AN, PHONG])
    assert again.status_code == 200 and again.json()["created"] is False
    conflict = _dossier(api, [AN], procedure="2.000986")
    assert conflict.status_code == 409 and conflict.json()["code"] == "dossier_conflict"
    rows = [(e.action, e.citizen_id, e.purpose, e.user_id) for e in api.audit_rows() if e.outcome == "ok"]
    assert ("dossier", LAN, "000.00.15.H29-261125-0001", "can.bo.mot-cua") in rows
    assert ("dossier", PHONG, "000.00.15.H29-261125-0001", "can.bo.mot-cua") in rows


@pytest.mark.parametrize(
    ("code", "citizens", "received", "words"),
    [
        ("H29-2611250001", [AN], "2026-11-25T08:00:00", "AGENCY-YYMMDD-NNNN"),
        ("H29-261340-0001", [AN], "2026-11-25T08:00:00", "AGENCY-YYMMDD-NNNN"),
        ("H29-261125-0001", ["0010850000011"], "2026-11-25T08:00:00", "citizen_ids.0: must be 12-digit"),
        ("H29-261125-0001", [], "2026-11-25T08:00:00", "citizen_ids"),
        ("H29-261125-0001", [AN], "2026-11-25", "received_at"),
        ("H29-261125-0001", [AN], 1764000000, "received_at"),
        ("H29-261125-0001", [AN], "1899-01-01T00:00:00", "received_at"),
        ("H29-261125-0001", [AN], "yesterday", "received_at"),
    ],
)
def test_malformed_dossiers_are_refused_clearly(api, code, citizens, received, words):
    body = {"dossier_code": code, "procedure_code": "1.1", "received_at": received, "citizen_ids": citizens}
    r = api.call("POST", "/v1/dossiers", "intake", json=body)
    assert r.status_code == 422 and words in r.json()["detail"], r.text
    assert "0010850000011" not in r.text


def test_malformed_and_oversized_bodies(api):
    headers = {"content-type": "application/json"}
    assert api.call("POST", "/v1/dossiers", "intake", content=b"{not json", headers=headers).status_code == 400
    assert api.call("POST", "/v1/dossiers", "intake", content=b"[1, 2]", headers=headers).status_code in (400, 422)
    huge = json.dumps({"dossier_code": "x" * 100_000}).encode()
    r = api.call("POST", "/v1/dossiers", "intake", content=huge, headers=headers)
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"

    def chunks():
        yield b'{"dossier_code": "'
        yield b"y" * 70_000
        yield b'"}'

    assert api.call("POST", "/v1/dossiers", "intake", content=chunks(), headers=headers).status_code == 413
    extra = {
        "dossier_code": "H29-261125-0001",
        "procedure_code": "1",
        "received_at": "2026-11-25T08:00:00",
        "citizen_ids": [AN],
        "surprise": 1,
    }
    assert api.call("POST", "/v1/dossiers", "intake", json=extra).status_code == 422


def test_reuse_is_idempotent_and_refused_when_not_confirmed(api):
    code, birth = "000.00.15.H29-261125-0001", api.docs["birth"]["doc_id"]
    _dossier(api, [AN, LAN])
    url = f"/v1/dossiers/{code}/reuse"
    first = api.call("POST", url, "intake", json={"doc_id": birth, "citizen_id": AN})
    assert (
        first.status_code == 201 and first.json()["created"] is True and first.json()["doc_type"] == "birth_certificate"
    )
    again = api.call("POST", url, "intake", json={"doc_id": birth, "citizen_id": AN})
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["reused_at"] == first.json()["reused_at"]
    listed = api.call("GET", f"/v1/citizens/{AN}/documents", "intake", headers=PURPOSE).json()["documents"]
    assert listed[0]["reuse_count"] == 1
    # Confirmed for QUY (the father), but QUY is not in this dossier.
    r = api.call("POST", url, "intake", json={"doc_id": birth, "citizen_id": QUY})
    assert r.status_code == 409 and r.json()["code"] == "citizen_not_in_dossier"
    r = api.call("POST", url, "intake", json={"doc_id": api.docs["death"]["doc_id"], "citizen_id": AN})
    assert r.status_code == 409 and r.json()["code"] == "link_not_confirmed"
    r = api.call("POST", url, "intake", json={"doc_id": "zzzzzzzz", "citizen_id": AN})
    assert r.status_code == 404 and r.json()["code"] == "document_not_found"
    r = api.call("POST", "/v1/dossiers/H29-261126-0009/reuse", "intake", json={"doc_id": birth, "citizen_id": AN})
    assert r.status_code == 404 and r.json()["code"] == "dossier_not_found"
    outcomes = [e.outcome for e in api.audit_rows() if e.action == "reuse"]
    assert outcomes == ["ok", "ok_again", "refused", "refused", "not_found", "dossier_not_found"]


def test_access_log_answers_who_looked(api):
    birth = api.docs["birth"]["doc_id"]
    api.call("GET", f"/v1/citizens/{AN}/documents", "intake", headers=PURPOSE)
    _dossier(api, [AN])
    api.call("POST", "/v1/dossiers/000.00.15.H29-261125-0001/reuse", "intake", json={"doc_id": birth, "citizen_id": AN})
    r = api.call("GET", f"/v1/citizens/{AN}/access-log?limit=2", "admin")
    assert r.status_code == 200
    page = r.json()
    assert [e["action"] for e in page["entries"]] == ["reuse", "dossier"]  # newest first
    assert page["entries"][0]["purpose"] == "000.00.15.H29-261125-0001" and page["entries"][0]["doc_id"] == birth
    rest = api.call("GET", f"/v1/citizens/{AN}/access-log", "admin", params={"limit": 2, "cursor": page["next_cursor"]})
    assert [e["action"] for e in rest.json()["entries"]] == ["citizen_documents"]
    assert rest.json()["next_cursor"] is None
    # The first read of the log is itself in the log.
    latest = api.call("GET", f"/v1/citizens/{AN}/access-log?limit=1", "admin").json()["entries"]
    assert latest[0]["action"] == "access_log" and latest[0]["actor"] == "admin"


def test_audit_rows_cannot_be_changed_or_deleted(api):
    api.call("GET", f"/v1/citizens/{AN}/documents", "intake", headers=PURPOSE)
    engine = api.ctx.index.engine
    for statement in ("UPDATE audit_log SET outcome = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.outcome for e in api.audit_rows()] == ["ok"]


def test_rate_limit_answers_429_with_retry_after(api):
    slow = apikeys.create_key(api.ctx.index, "slow", ["staff"], created_by="test", rate_limit=0.5)[1]
    api.app.state.sohoa.settings = api.settings.model_copy(update={"api_rate_burst": 2})
    codes = [api.call("GET", "/v1/reports/reuse?from=2026-01-01&to=2026-01-31", slow).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = api.call("GET", "/v1/reports/reuse?from=2026-01-01&to=2026-01-31", slow)
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 2
    # Other keys have their own bucket.
    assert api.call("GET", "/v1/reports/reuse?from=2026-01-01&to=2026-01-31", "staff").status_code == 200


def test_metrics_count_requests_per_route_and_index_figures(api):
    api.call("GET", f"/v1/citizens/{AN}/documents", "staff")
    api.call("GET", "/v1/citizens/12/documents", "staff")
    body = api.client.get("/metrics").text
    assert 'sohoa_http_requests_total{method="GET",route="/v1/citizens/{citizen_id}/documents",status="200"}' in body
    assert 'status="422"' in body and AN not in body
    assert 'sohoa_http_request_duration_seconds_bucket{le="0.05",method="GET",route="/v1/citizens/{citizen_id}' in body
    assert 'sohoa_documents{status="done"} 2.0' in body and 'sohoa_documents{status="review"} 1.0' in body
    assert 'sohoa_documents{status="failed"} 1.0' in body
    assert "sohoa_pages_processed 3.0" in body
    assert 'sohoa_document_failures{code="truncated_image"} 1.0' in body
    assert 'sohoa_http_problems_total{code="invalid_request"}' in body


def test_health_readiness_and_docs(api):
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ready", "index": "ok", "object_store": "ok"}
    schema = api.client.get("/openapi.json").json()
    assert {"/v1/citizens/{citizen_id}/documents", "/v1/dossiers", "/v1/reports/reuse"} <= set(schema["paths"])
    docs = api.client.get("/docs").text
    assert "/docs/static/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert api.client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
    # The object store's folder gone: not ready (503), not a crash.
    import shutil

    shutil.rmtree(api.ctx.store.root)
    r = api.client.get("/readyz")
    assert r.status_code == 503 and r.json()["object_store"].startswith("unreachable")


def test_pdf_on_s3_is_a_redirect_to_a_presigned_url(tmp_path, s3_url):
    import httpx

    api = Api(tmp_path, storage_url=s3_url)
    try:
        doc_id = api.docs["birth"]["doc_id"]
        r = api.call("GET", f"/v1/documents/{doc_id}/pdf", "intake", headers=PURPOSE, follow_redirects=False)
        assert r.status_code == 307
        location = r.headers["location"]
        assert f"documents/{doc_id}/document.pdf" in location and "X-Amz-Signature" in location
        assert "X-Amz-Expires=900" in location  # SOHOA_PRESIGN_SECONDS' default: short-lived
        pdf = httpx.get(location, timeout=30)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.content == api.ctx.store.get_bytes(f"documents/{doc_id}/document.pdf")
        api.ctx.store.delete(f"documents/{doc_id}/document.pdf")
        gone = api.call("GET", f"/v1/documents/{doc_id}/pdf", "intake", headers=PURPOSE, follow_redirects=False)
        assert gone.status_code == 404 and gone.json()["code"] == "pdf_missing"
        assert api.client.get("/readyz").json()["object_store"] == "ok"
    finally:
        api.client.close()


def test_a_database_that_goes_away_answers_503_then_serves_again(tmp_path):
    # A server of its own: stopping the shared one would pull it from under other tests.
    with PostgresServer() as pg:
        api = Api(tmp_path, database_url=pg.create_database("away"))
        url = f"/v1/citizens/{AN}/documents"
        assert api.call("GET", url, "intake", headers=PURPOSE).status_code == 200
        pg.stop()
        away = api.call("GET", url, "intake", headers=PURPOSE)
        assert away.status_code == 503 and away.headers["Retry-After"] == "5"
        assert away.json()["code"] == "service_unavailable" and "database" in away.json()["detail"]
        assert api.client.get("/readyz").status_code == 503
        pg.start()
        assert api.call("GET", url, "intake", headers=PURPOSE).status_code == 200
        api.client.close()
