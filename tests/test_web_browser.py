"""The staff page in a real browser (Debian's Chromium, headless, Selenium) against ``sohoa serve``'s app on
127.0.0.1, over documents the real pipeline made from synthetic scans: what a new member of the records
office does on their first day. The tests also write the screenshots the README shows (see
web_browser_support.SCREENSHOTS)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from config.settings import Settings
from storage import audit, page_images
from storage.corrections import corrections_for
from storage.textfold import fold
from tests.browser import full_page_screenshot
from tests.web_browser_support import SCREENSHOTS, log_in, wait
from tests.web_support import PASSWORD, LiveServer, add_user, build_archive, write_scans
from workers.context import Context


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    home = root / "home"
    build_archive(home, root, [(11, "birth_certificate", "clean"), (12, "death_certificate", "mild")])
    add_user(home, "canbo", "staff")
    add_user(home, "quantri", "admin")
    settings = Settings(home=home, jobs=2)
    ctx = Context(settings)
    records = {r["doc_type"]: r for r in ctx.index.records(ctx.index.doc_ids())}
    with LiveServer(settings) as server:
        yield {"root": root, "home": home, "url": server.url, "ctx": ctx, "records": records}


def _person(record: dict, role: str) -> tuple[int, dict]:
    return next((i, p) for i, p in enumerate(record["persons"]) if p["role"] == role)


def test_a_wrong_password_is_refused_and_the_right_one_lets_in(site, browser):
    browser.get(f"{site['url']}/staff/batches")
    wait(browser).until(ec.url_contains("/staff/login"))
    browser.find_element(By.ID, "name").send_keys("canbo")
    browser.find_element(By.ID, "password").send_keys("not-the-password")
    browser.find_element(By.ID, "login-submit").click()
    error = wait(browser).until(ec.visibility_of_element_located((By.ID, "login-error")))
    assert "Sai tên đăng nhập hoặc mật khẩu" in error.text
    assert not browser.find_elements(By.ID, "logout")
    assert browser.get_cookie("sohoa_session") is None

    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    wait(browser).until(ec.url_contains("/staff/batches"))  # back where the login was asked for
    cookie = browser.get_cookie("sohoa_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain http here
    assert "kho-a" in browser.find_element(By.ID, "batch-table").text


def test_forms_and_requests_without_the_csrf_token_are_refused(site, browser):
    log_in(browser, site["url"], "canbo", PASSWORD)
    birth = site["records"]["birth_certificate"]
    browser.get(f"{site['url']}/staff/documents/{birth['doc_id']}")
    browser.find_element(By.ID, "correct-value").send_keys("SỐ 999")
    browser.execute_script("document.querySelector('#correct-form input[name=csrf]').remove()")
    browser.find_element(By.ID, "correct-submit").click()
    message = wait(browser).until(ec.visibility_of_element_located((By.ID, "error-message")))
    assert message.get_attribute("data-code") == "csrf_failed"
    assert corrections_for(site["ctx"].index, birth["doc_id"]) == []

    # The page's own scripts send the token in a header; a request without it is refused too.
    idx, _ = _person(birth, "subject")
    status = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {method: 'POST', body: new URLSearchParams({action: 'reject'}),"
        " headers: {'Accept': 'application/json'}}).then(r => done(r.status));",
        f"/staff/review/{birth['doc_id']}/{idx}",
    )
    assert status == 403
    assert site["ctx"].index.get_record(birth["doc_id"])["status"] == "review"


def test_a_document_shows_its_words_and_fields(site, browser):
    log_in(browser, site["url"], "canbo", PASSWORD)
    birth = site["records"]["birth_certificate"]
    browser.get(f"{site['url']}/staff/documents/{birth['doc_id']}")
    wait(browser).until(lambda d: d.find_element(By.ID, "document").get_attribute("data-words-loaded"))
    words = page_images.page_words(site["ctx"].store, birth, 1)["words"]
    drawn = browser.find_elements(By.CSS_SELECTOR, ".page[data-page='1'] .overlay .w")
    assert len(drawn) == len(words) > 50
    assert len(browser.find_elements(By.CSS_SELECTOR, ".page[data-page='1'] .overlay .w.low")) == sum(
        w["low"] for w in words
    )
    assert browser.find_element(By.ID, "word-count").text.startswith(f"{len(words)} chữ")

    idx, subject = _person(birth, "subject")
    name = subject["fields"]["full_name"]["value"]
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-target='person:{idx}:full_name']")
    assert name in row.text
    ActionChains(browser).move_to_element(row).perform()
    mark = wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".page[data-page='1'] .highlight")))
    box = page_images.field_box(birth, subject["fields"]["full_name"])
    assert mark.value_of_css_property("left") != "auto" and box is not None
    image = browser.find_element(By.CSS_SELECTOR, ".page[data-page='1'] img")
    left = mark.location["x"] - image.location["x"]
    assert abs(left / image.size["width"] - box[0]) < 0.02  # the box sits on the field's place on the page
    assert "Giấy khai sinh" in browser.find_element(By.TAG_NAME, "h1").text

    rows = audit.entries(site["ctx"].index, newest_first=True, limit=20)
    assert any(r.channel == "web" and r.actor == "canbo" and r.action == "document" and r.doc_id == birth["doc_id"]
               for r in rows)

    # The screenshot: the greyscale, mildly degraded death record (a quality flag, some weak words).
    death = site["records"]["death_certificate"]
    idx, _ = _person(death, "deceased")
    browser.get(f"{site['url']}/staff/documents/{death['doc_id']}")
    wait(browser).until(lambda d: d.find_element(By.ID, "document").get_attribute("data-words-loaded"))
    full_page_screenshot(browser, SCREENSHOTS / "document.png", width=1920,
                         before=f"document.querySelector(\"tr[data-target='person:{idx}:full_name']\")"
                         ".dispatchEvent(new MouseEvent('mouseenter'))")


def test_an_unaccented_search_finds_the_document(site, browser):
    log_in(browser, site["url"], "canbo", PASSWORD)
    death = site["records"]["death_certificate"]
    _, deceased = _person(death, "deceased")
    words = fold(deceased["fields"]["full_name"]["value"])
    assert words != deceased["fields"]["full_name"]["value"].lower()  # the name has marks; the query none
    browser.get(f"{site['url']}/staff/search")
    browser.find_element(By.ID, "q").send_keys(words)
    browser.find_element(By.ID, "search-submit").click()
    results = wait(browser).until(ec.presence_of_element_located((By.ID, "results")))
    found = [r.get_attribute("data-doc") for r in results.find_elements(By.CSS_SELECTOR, "tr.result")]
    assert death["doc_id"] in found


def test_review_items_are_settled_with_the_keyboard(site, browser):
    log_in(browser, site["url"], "canbo", PASSWORD)
    birth = site["records"]["birth_certificate"]
    waiting = [(i, p) for i, p in enumerate(birth["persons"]) if p["match"]["status"] == "review"]
    assert len(waiting) >= 2, "the planted duplicate registrations should leave at least two persons to review"
    browser.get(f"{site['url']}/staff/review")
    first = f"/staff/review/{birth['doc_id']}/{waiting[0][0]}"
    wait(browser).until(ec.url_contains(first))
    full_page_screenshot(browser, SCREENSHOTS / "review.png", width=1280)
    body = browser.find_element(By.TAG_NAME, "body")

    other = waiting[0][1]["match"]["candidates"][1]["citizen_id"]
    browser.find_element(By.ID, "lookup-id").send_keys(other)  # the registry searched by ID
    browser.find_element(By.CSS_SELECTOR, "#lookup-form button").click()
    found = wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#lookup-result table")))
    assert found.get_attribute("data-citizen") == other and found.get_attribute("data-in-registry") == "yes"
    assert waiting[0][1]["fields"]["full_name"]["value"] in found.text
    body.click()  # the keys go to the page again, not to the ID box
    body.send_keys("j")  # next item, and back
    wait(browser).until(ec.url_contains(f"/staff/review/{birth['doc_id']}/{waiting[1][0]}"))
    browser.find_element(By.TAG_NAME, "body").send_keys("k")
    wait(browser).until(ec.url_contains(first))

    chosen = waiting[0][1]["match"]["candidates"][0]["citizen_id"]
    browser.find_element(By.TAG_NAME, "body").send_keys("1")  # accept the first candidate
    wait(browser).until(ec.url_contains(f"/staff/review/{birth['doc_id']}/{waiting[1][0]}"))
    for _ in waiting[1:]:
        browser.find_element(By.TAG_NAME, "body").send_keys("x")  # reject all candidates
        decided = f"/staff/review/{birth['doc_id']}/{waiting[1][0]}"
        wait(browser).until(lambda d, url=decided: url not in d.current_url)
    # The birth record settled, the queue goes on to the next document's persons, or is empty.
    wait(browser).until(lambda d: d.find_elements(By.ID, "review-empty") or birth["doc_id"] not in d.current_url)

    record = site["ctx"].index.get_record(birth["doc_id"])
    assert record["status"] == "done"
    first_match = record["persons"][waiting[0][0]]["match"]
    assert (first_match["status"], first_match["citizen_id"]) == ("matched", chosen)
    assert first_match["decision"]["user"] == "canbo"
    assert record["persons"][waiting[1][0]]["match"]["decision"]["action"] == "reject"
    browser.get(f"{site['url']}/staff/documents/{birth['doc_id']}")
    assert browser.find_element(By.ID, "doc-status").get_attribute("data-status") == "done"


def drop_files(browser, zone_id: str, paths) -> None:
    """Drag and drop as Chromium delivers it: a drop event whose DataTransfer holds the files.

    WebDriver cannot drag from outside the browser, so the files are read through a file input made for the
    purpose and handed to the page's drop zone in the same events a real drag from a file manager fires.
    """
    picker = browser.execute_script(
        "var i = document.createElement('input'); i.type = 'file'; i.multiple = true;"
        "i.style.position = 'fixed'; i.style.left = '-1000px'; document.body.appendChild(i); return i;"
    )
    picker.send_keys("\n".join(str(p) for p in paths))
    browser.execute_script(
        "var picker = arguments[0], zone = document.getElementById(arguments[1]), data = new DataTransfer();"
        "for (var k = 0; k < picker.files.length; k++) data.items.add(picker.files[k]);"
        "['dragenter', 'dragover', 'drop'].forEach(function (type) {"
        "  zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data})); });"
        "picker.remove();",
        picker,
        zone_id,
    )


def test_two_uploaded_scans_reach_done(site, browser):
    scans, _ = write_scans(site["root"] / "upload", [(31, "birth_certificate"), (32, "land_use_certificate")],
                           level="mild", namesakes=False)
    files = sorted(scans.glob("*.png"))
    broken = scans / "trang-bi-cat.png"  # a scan cut short in the copy: refused with its reason, nothing lost
    broken.write_bytes(files[0].read_bytes()[:5000])
    log_in(browser, site["url"], "canbo", PASSWORD)
    browser.get(f"{site['url']}/staff/batches")
    browser.find_element(By.ID, "batch-name").send_keys("2026-12 kho B")
    browser.find_element(By.CSS_SELECTOR, "#open-batch button").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "drop-zone")))
    browser.find_element(By.ID, "file-input").send_keys("\n".join(str(f) for f in files))
    drop_files(browser, "drop-zone", [broken])  # dragged from the file manager onto the page
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#upload-list li.uploaded")) == 3)
    for bar in browser.find_elements(By.CSS_SELECTOR, "#upload-list progress"):
        assert bar.get_attribute("value") == bar.get_attribute("max")  # each file's own upload progress
    wait(browser, 300).until(
        lambda d: d.find_element(By.ID, "docs-done").text == "3" and d.find_element(By.ID, "docs-total").text == "3"
    )
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#documents-table tbody tr")) == 3)
    rows = browser.find_elements(By.CSS_SELECTOR, "#documents-table tr[data-doc]")
    statuses = {r.find_element(By.TAG_NAME, "a").text: r.get_attribute("data-status") for r in rows}
    assert {statuses[f.name] for f in files} <= {"done", "review"} and statuses[broken.name] == "failed"
    assert browser.find_element(By.ID, "eta").text == "Đã xử lý xong"
    failures = wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#failures table")))
    assert "truncated_image" in failures.text and broken.name in failures.text
    assert browser.find_element(By.ID, "retry").is_displayed()
    index = site["ctx"].index
    names = {r["source"]["name"]: r for r in index.records(index.doc_ids(batch="2026-12 kho B"))}
    assert set(names) == {f.name for f in [*files, broken]}
    assert all(site["ctx"].store.exists(r["objects"]["original"]) for r in names.values())
    full_page_screenshot(browser, SCREENSHOTS / "batch.png", width=1280)

    # The refused file is on the operator's rescan list, with its reason in Vietnamese.
    browser.find_element(By.ID, "rescan-link").click()
    table = wait(browser).until(ec.presence_of_element_located((By.ID, "rescan-table")))
    assert broken.name in table.text and "Ảnh bị cắt cụt" in table.text and "cả tệp" in table.text
    browser.back()
    # Retrying sends it through the pipeline again from its stored original (it fails again, being cut).
    before = names[broken.name]["processed_at"]
    wait(browser).until(ec.element_to_be_clickable((By.ID, "retry"))).click()
    wait(browser, 120).until(
        lambda d: index.get_record(names[broken.name]["doc_id"])["processed_at"] != before
        and d.find_element(By.ID, "count-waiting").text == "0" and d.find_element(By.ID, "count-processing").text == "0"
    )
    assert index.get_record(names[broken.name]["doc_id"])["error"]["code"] == "truncated_image"
