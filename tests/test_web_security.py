"""The staff page's accounts and guards, over HTTP against ``sohoa serve``'s app on 127.0.0.1: the session
cookie's flags (Secure only over HTTPS or from a trusted proxy), CSRF on every state-changing request, the
lockout, admins only on the admin page, sessions ended by logout and by disabling, audit rows of views,
corrections, uploads kept before processing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from api.web.catalogue import Catalogue
from config.settings import Settings
from extract.model import FieldValue
from storage import audit, uploads
from storage.batches import progress
from storage.keys import original_key
from tests.api_support import person, store_document
from tests.web_support import PASSWORD, LiveServer, add_user
from workers.context import Context

NAMESAKE_A, NAMESAKE_B = "001085000001", "001085000002"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("websec")
    home = root / "home"
    settings = Settings(home=home, login_max_failures=3, api_key_cache_seconds=0, web_process_uploads=False,
                        web_upload_max_bytes=200_000, web_trusted_proxies="")
    ctx = Context(settings)
    waiting = person("subject", "NGUYỄN VĂN AN", "review", None, [(NAMESAKE_A, 0.9), (NAMESAKE_B, 0.9)],
                     date_of_birth="1985-03-05")
    birth = store_document(ctx, "khai-sinh.png", "birth_certificate", [waiting], batch="kho-a", tmp=root,
                           text="GIẤY KHAI SINH Họ, chữ đệm, tên: NGUYỄN VĂN AN", fields={"registration_number": "12"})
    for name in ("canbo", "canbo2", "khoa"):
        add_user(home, name, "staff")
    add_user(home, "quantri", "admin")
    with LiveServer(settings) as server:
        yield {"root": root, "home": home, "url": server.url, "ctx": ctx, "birth": birth, "server": server}


def client(site, **kwargs) -> httpx.Client:
    return httpx.Client(base_url=site["url"], follow_redirects=False, timeout=30, **kwargs)


def login_token(c: httpx.Client) -> str:
    page = c.get("/staff/login")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def logged_in(site, name: str, password: str = PASSWORD, **kwargs) -> httpx.Client:
    c = client(site, **kwargs)
    answer = c.post("/staff/login", data={"csrf": login_token(c), "name": name, "password": password})
    assert answer.status_code == 303, answer.text
    return c


def csrf_of(c: httpx.Client, path: str = "/staff/batches") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', c.get(path).text).group(1)


def test_the_session_cookie_is_httponly_strict_and_secure_only_over_https(site):
    c = client(site)
    answer = c.post("/staff/login", data={"csrf": login_token(c), "name": "canbo", "password": PASSWORD})
    cookie = answer.headers["set-cookie"]
    assert "sohoa_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie.split("sohoa_login")[0]

    # A forwarded "https" from an untrusted address changes nothing ...
    c = client(site, headers={"X-Forwarded-Proto": "https"})
    answer = c.post("/staff/login", data={"csrf": login_token(c), "name": "canbo", "password": PASSWORD})
    assert "Secure" not in answer.headers["set-cookie"]
    # ... from a proxy the operator trusts, the cookie is Secure.
    site["server"].app.state.sohoa.settings.web_trusted_proxies = "127.0.0.1"
    try:
        c = client(site, headers={"X-Forwarded-Proto": "https"})
        form = c.get("/staff/login")
        assert "Secure" in form.headers["set-cookie"]
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        # The browser talks https to the proxy and sends its Secure cookies; this client talks plain http.
        c.headers["Cookie"] = f"sohoa_login={form.cookies['sohoa_login']}"
        answer = c.post("/staff/login", data={"csrf": token, "name": "canbo", "password": PASSWORD})
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"].split(",")[0]
    finally:
        site["server"].app.state.sohoa.settings.web_trusted_proxies = ""


def test_pages_need_a_login_and_the_login_form_its_token(site):
    c = client(site)
    answer = c.get("/staff/documents/" + site["birth"]["doc_id"])
    assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/login?next=")
    assert c.get("/staff/batches/kho-a/progress", headers={"Accept": "application/json"}).status_code == 401
    refused = c.post("/staff/login", data={"name": "canbo", "password": PASSWORD})  # no token: a forged form
    assert refused.status_code == 403 and "sohoa_session" not in refused.headers.get("set-cookie", "")
    # An open redirect through ?next= is not possible.
    answer = c.post("/staff/login", data={"csrf": login_token(c), "name": "canbo", "password": PASSWORD,
                                          "next": "https://example.org/staff/"})
    assert answer.headers["location"] == "/staff/"


def test_repeated_wrong_passwords_lock_the_account_and_an_admin_unlocks_it(site):
    c = client(site)
    for _ in range(2):
        wrong = c.post("/staff/login", data={"csrf": login_token(c), "name": "khoa", "password": "sai-mat-khau-1"})
        assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    locked = c.post("/staff/login", data={"csrf": login_token(c), "name": "khoa", "password": "sai-mat-khau-1"})
    assert locked.status_code == 429 and "tạm khóa" in locked.text
    still = c.post("/staff/login", data={"csrf": login_token(c), "name": "khoa", "password": PASSWORD})
    assert still.status_code == 429  # the right password does not open a locked account

    admin = logged_in(site, "quantri")
    assert "khoa" in admin.get("/staff/admin").text
    unlocked = admin.post("/staff/admin/users/khoa/unlock", data={"csrf": csrf_of(admin, "/staff/admin")})
    assert unlocked.status_code == 303
    logged_in(site, "khoa")


def test_state_changing_requests_need_the_csrf_token_and_this_origin(site):
    c = logged_in(site, "canbo")
    token = csrf_of(c)
    doc_id = site["birth"]["doc_id"]
    decide = f"/staff/review/{doc_id}/0"
    assert c.post(decide, data={"action": "reject"}).status_code == 403
    assert c.post(decide, data={"action": "reject", "csrf": "x" * 43}).status_code == 403
    foreign = c.post(decide, data={"action": "reject"}, headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    refused = c.post("/staff/batches/kho-a/files", content=b"\x89PNG....", headers={"X-File-Name": "a.png"})
    assert refused.status_code == 403
    correction = c.post(f"/staff/documents/{doc_id}/corrections", data={"target": "doc:registration_number",
                                                                       "value": "99"})
    assert correction.status_code == 403 and "Biểu mẫu đã cũ" in correction.text
    assert c.post("/staff/logout").status_code == 403
    record = site["ctx"].index.get_record(doc_id)
    assert record["status"] == "review" and record["fields"]["registration_number"]["value"] == "12"
    assert uploads.pending(site["ctx"].index) == []


def test_a_review_decision_and_a_correction_from_the_page_are_the_clis_records(site):
    c = logged_in(site, "canbo2")
    token = csrf_of(c)
    doc_id = site["birth"]["doc_id"]
    answer = c.post(f"/staff/documents/{doc_id}/corrections", headers={"X-CSRF-Token": token},
                    data={"target": "doc:registration_number", "value": "312"})
    assert answer.status_code == 303
    page = c.get(f"/staff/documents/{doc_id}").text
    assert "đã sửa" in page and "312" in page
    reading = re.search(r'name="reading" value="([0-9a-f]{16})"', page)[1]  # the persons the page shows
    bad = c.post(f"/staff/documents/{doc_id}/corrections", headers={"X-CSRF-Token": token},
                 data={"target": "person:0:date_of_birth", "value": "31/02/1985", "reading": reading})
    assert bad.status_code == 422 and "not a date" in bad.text

    # A page shown before the persons were read again (another reading) decides and corrects nothing: by position
    # it could pick another person.
    stale = c.post(f"/staff/review/{doc_id}/0", headers={"X-CSRF-Token": token, "Accept": "application/json"},
                   data={"action": "accept", "citizen_id": NAMESAKE_B, "reading": "0" * 16})
    assert stale.status_code == 422 and "read again" in stale.text
    stale = c.post(f"/staff/documents/{doc_id}/corrections", headers={"X-CSRF-Token": token},
                   data={"target": "person:0:gender", "value": "Nữ", "reading": "0" * 16})
    assert stale.status_code == 422 and "read again" in stale.text
    assert "decision" not in site["ctx"].index.get_record(doc_id)["persons"][0]["match"]
    assert "gender" not in site["ctx"].index.get_record(doc_id)["persons"][0]["fields"] or \
        "corrected" not in site["ctx"].index.get_record(doc_id)["persons"][0]["fields"]["gender"]

    review_page = c.get(f"/staff/review/{doc_id}/0").text
    assert re.search(r'data-reading="([0-9a-f]{16})"', review_page)[1] == reading
    decided = c.post(f"/staff/review/{doc_id}/0", headers={"X-CSRF-Token": token, "Accept": "application/json"},
                     data={"action": "accept", "citizen_id": NAMESAKE_B, "reading": reading})
    assert decided.status_code == 200 and decided.json()["status"] == "done"
    record = site["ctx"].index.get_record(doc_id)
    match = record["persons"][0]["match"]
    assert (match["status"], match["citizen_id"], match["decision"]["user"]) == ("matched", NAMESAKE_B, "canbo2")
    assert record["fields"]["registration_number"]["corrected"]["by"] == "canbo2"
    rows = list(audit.entries(site["ctx"].index))
    assert any(r.channel == "web" and r.actor == "canbo2" and r.action == "document" and r.doc_id == doc_id
               for r in rows)


def test_only_admins_manage_users_and_keys_and_a_key_secret_is_shown_once(site):
    staff = logged_in(site, "canbo")
    assert staff.get("/staff/admin").status_code == 403
    forged = staff.post("/staff/admin/users", data={"csrf": csrf_of(staff), "name": "x1", "password": PASSWORD})
    assert forged.status_code == 403

    admin = logged_in(site, "quantri")
    token = csrf_of(admin, "/staff/admin")
    made = admin.post("/staff/admin/users", data={"csrf": token, "name": "moi", "password": PASSWORD, "role": "staff"})
    assert made.status_code == 303
    logged_in(site, "moi")
    created = admin.post("/staff/admin/keys", data={"csrf": token, "name": "cong-dvc", "scope": ["staff", "admin"]})
    assert created.status_code == 201
    secret = re.search(r'<pre id="secret">([^<]+)</pre>', created.text).group(1)
    assert httpx.get(site["url"] + "/v1/search?q=an", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in admin.get("/staff/admin").text  # shown once, never again
    admin.post("/staff/admin/keys/cong-dvc/revoke", data={"csrf": token})
    assert httpx.get(site["url"] + "/v1/search?q=an", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_logout_and_disabling_end_sessions(site):
    c = logged_in(site, "canbo")
    assert c.post("/staff/logout", data={"csrf": csrf_of(c)}).status_code == 303
    assert c.get("/staff/batches").status_code == 303  # back to the login page

    victim = logged_in(site, "canbo2")
    admin = logged_in(site, "quantri")
    admin.post("/staff/admin/users/canbo2/disable", data={"csrf": csrf_of(admin, "/staff/admin")})
    assert victim.get("/staff/batches").status_code == 303
    refused = client(site)
    again = refused.post("/staff/login", data={"csrf": login_token(refused), "name": "canbo2", "password": PASSWORD})
    assert again.status_code == 401


def test_an_upload_keeps_the_original_before_processing_and_counts_in_the_batch(site):
    c = logged_in(site, "canbo")
    token = csrf_of(c)
    too_big = c.post("/staff/batches/kho-b/files", content=b"\0" * 300_000,
                     headers={"X-CSRF-Token": token, "X-File-Name": "lon.png"})
    assert too_big.status_code == 413
    answer = c.post("/staff/batches/kho-b/files", content=b"%PDF-1.7 (the pipeline will judge it)",
                    headers={"X-CSRF-Token": token, "X-File-Name": "gi%E1%BA%A5y%20khai%20sinh.pdf",
                             "Accept": "application/json"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["name"] == "giấy khai sinh.pdf" and body["state"] == "waiting"
    index = site["ctx"].index
    [row] = uploads.pending(index, "kho-b")
    assert site["ctx"].store.exists(original_key(row.source_sha256))  # kept before any processing
    p = progress(index, "kho-b")
    assert (p.total, p.finished, p.waiting, p.running) == (1, 0, 1, True)
    listed = c.get("/staff/batches").text
    assert "kho-b" in listed
    live = c.get("/staff/batches/kho-b/progress", headers={"Accept": "application/json"}).json()
    assert live["total"] == 1 and live["pending_files"] == [{"name": "giấy khai sinh.pdf", "state": "waiting"}]


def test_pages_per_minute_and_time_left(site):
    ctx = site["ctx"]
    now = datetime.now(UTC)
    for n in range(3):
        store_document(ctx, f"trang-{n}.png", "decision", [], batch="toc-do", tmp=site["root"])
    # Three one-page documents finished 6, 4 and 2 minutes ago: 2 pages after the first in 4 minutes.
    for record, minutes in zip(ctx.index.records(ctx.index.doc_ids(batch="toc-do")), (6, 4, 2), strict=True):
        ctx.index.save_record({**record, "processed_at": (now - timedelta(minutes=minutes)).isoformat()})
    p = progress(ctx.index, "toc-do", now=now)
    assert p.pages_per_minute == pytest.approx(0.5, rel=0.01)
    assert p.eta_seconds is None and not p.running  # nothing left to do
    assert p.as_json()["pages_done"] == 3


def test_the_rescan_csv_opens_in_excel(site):
    c = logged_in(site, "canbo")
    answer = c.get("/staff/batches/kho-a/rescan.csv")
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    assert answer.content.decode("utf-8-sig").splitlines()[0] == "Tên tệp,Trang,Mã lỗi,Lý do,Mã tài liệu"


def test_search_filters_by_type_status_and_the_date_on_the_paper(site):
    c = logged_in(site, "canbo")
    store_document(site["ctx"], "quyet-dinh.png", "decision", [], batch="loc", tmp=site["root"],
                   text="QUYẾT ĐỊNH về việc công nhận Đà Nẵng", fields={"document_date": "2019-07-01"})
    def found(**params) -> list[str]:
        page = c.get("/staff/search", params=params)
        assert page.status_code == 200, page.text
        return re.findall(r'<tr class="result" data-doc="([a-z0-9]+)"', page.text)
    decision = [d for d in found(q="da nang")]
    assert len(decision) == 1
    assert found(q="da nang", doc_type="decision") == decision
    assert found(q="da nang", doc_type="birth_certificate") == []
    assert found(q="da nang", **{"from": "01/01/2019", "to": "31/12/2019"}) == decision
    assert found(q="da nang", **{"from": "02/07/2019"}) == []
    assert found(doc_type="decision", status="done", batch="loc") == decision
    assert c.get("/staff/search", params={"q": "x", "from": "31/02/2019"}).status_code == 422
    assert c.get("/staff/search", params={"doc_type": "nonsense"}).status_code == 422


def _with_field(p, name: str, **changes):
    """The person with one field's attributes changed (what a later pipeline step adds to a field)."""
    return replace(p, fields={**p.fields, name: replace(p.fields[name], **changes)})


def _document_page(site, source: str, doc_type: str, p, batch: str, text: str) -> tuple[dict, str]:
    doc = store_document(site["ctx"], source, doc_type, [p], batch=batch, tmp=site["root"], text=text)
    return doc, logged_in(site, "canbo").get(f"/staff/documents/{doc['doc_id']}").text


def test_a_value_the_registry_confirmed_is_marked_with_what_ocr_read(site):
    linked = person("subject", "TẠ ĐÌNH VĂN DŨNG", "matched", "001085000003", date_of_birth="1985-03-05")
    linked = _with_field(linked, "full_name", ocr_value="TẠ ĐÍNH VĂN DŨNG",
                         reasons=("registry: OCR read 'TẠ ĐÍNH VĂN DŨNG', marks or one letter off",))
    doc, page = _document_page(site, "khai-sinh-2.png", "birth_certificate", linked, "xac-nhan",
                               "GIẤY KHAI SINH TẠ ĐÍNH VĂN DŨNG")
    badge = re.search(r'<span class="badge confirmed" title="([^"]+)">([^<]+)</span>', page)
    assert badge and badge.group(2) == "theo CSDL dân cư"
    assert "TẠ ĐÍNH VĂN DŨNG" in badge.group(1)
    stored = site["ctx"].index.get_record(doc["doc_id"])["persons"][0]["fields"]["full_name"]
    assert stored["confirmed"] == {"by": "registry", "ocr_value": "TẠ ĐÍNH VĂN DŨNG"}


def test_a_birth_date_read_two_ways_shows_the_other_readings(site):
    read = person("subject", "LÊ THỊ HOA", "review", None, date_of_birth="1951-06-16")
    read = _with_field(read, "date_of_birth", alternatives=("1951-06-10", "1961-06-10"))
    doc, page = _document_page(site, "ho-khau-2.png", "household_registration", read, "hai-cach-doc",
                               "SỔ HỘ KHẨU LÊ THỊ HOA")
    shown = re.search(r'<div class="small alternatives">([^<]+)</div>', page)
    assert shown and shown.group(1) == "Cách đọc khác: 10/06/1951, 10/06/1961"
    assert page.count('class="small alternatives"') == 1  # only the field that has them
    # The review page, where such a person waits, shows them beside what was read.
    review = logged_in(site, "canbo").get(f"/staff/review/{doc['doc_id']}/0")
    assert review.status_code == 200, review.text
    beside = re.search(r'<div class="small muted alternatives">([^<]+)</div>', review.text)
    assert beside and beside.group(1) == "Cách đọc khác: 10/06/1951, 10/06/1961"


def test_an_id_read_a_digit_long_is_shown_for_review_where_the_id_would_be(site):
    read = person("subject", "LÊ VĂN TÁM", "review", None, date_of_birth="1960-01-02")
    read = replace(read, misread={"citizen_id": FieldValue("0790600801643", 0.7, 1, (10, 60, 300, 90))})
    doc, _ = _document_page(site, "khai-tu-3.png", "death_certificate", read, "doc-thua-so",
                               "TRÍCH LỤC KHAI TỬ LÊ VĂN TÁM")
    review = logged_in(site, "canbo").get(f"/staff/review/{doc['doc_id']}/0")
    assert review.status_code == 200, review.text
    row = re.search(r'<tr data-field="citizen_id">.*?</tr>', review.text, re.S)
    shown = re.search(r'<div class="small muted misread">([^<]+)</div>', row.group(0)) if row else None
    assert shown and shown.group(1) == "OCR đọc được 0790600801643 (13 chữ số, không phải số hợp lệ)"
    assert review.text.count('class="small muted misread"') == 1  # only the field misread


def test_the_document_page_shows_the_records_warnings_in_vietnamese(site):
    read = person("subject", "LÊ VĂN TÁM", "review", None, date_of_birth="1960-01-02")
    doc, _ = _document_page(site, "khai-tu-4.png", "death_certificate", read, "canh-bao", "TRÍCH LỤC KHAI TỬ")
    index = site["ctx"].index
    warned = {**index.get_record(doc["doc_id"]), "warnings": [
        "correction of person 3 full_name by can.bo not applied: the document now has 1 person(s)",
        "image decoder: <b>an untranslated</b> warning"]}
    index.save_record(warned)
    page = logged_in(site, "canbo").get(f"/staff/documents/{doc['doc_id']}").text
    shown = re.findall(r'<p class="flag-line doc-warning"><span class="flag">cảnh báo</span> ([^<]+)</p>', page)
    assert shown == ["sửa trường full_name của người số 3 do can.bo nhập chưa áp dụng: tài liệu nay chỉ có 1 người",
                     "image decoder: &lt;b&gt;an untranslated&lt;/b&gt; warning"]  # as written, escaped


def test_a_user_name_shaped_like_a_time_is_shown_as_written_never_an_error():
    vi = Catalogue("vi")
    assert vi.reason("accepted in review by 2024Tuan at 2026-12-06T10:00:00+00:00") == \
        "được 2024Tuan chấp nhận khi duyệt lúc 06/12/2026 17:00"
    assert "do 2024Tuan nhập" in vi.reason(
        "correction of person 3 full_name by 2024Tuan not applied: the document now has 1 person(s)")
