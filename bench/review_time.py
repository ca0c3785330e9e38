"""Benchmark: how long a reviewer takes per item on the staff page's review queue, keyboard only.

Real birth certificates (tests/synth, clean scans) go through the real pipeline against a registry in which
every person on them has a namesake (same name, birth date and gender, living elsewhere), so the links that
name and birth date alone cannot settle wait for review, as in an archive full of namesakes. Then Chromium
(headless, Selenium) works through the queue the way a new user is told to: look at the comparison, press
1-9 for the candidate whose column shows no red (difference) cell, x when none or more than one does. Each
item is timed from the moment it is on the screen to the moment its decision is stored and the next item
shows. The script reads nothing, so its time is the page's share; a person's reading time is estimated
from what the screen shows (cells, red cells), and printed as an estimate, not a measurement.

    .venv/bin/python -m bench.review_time --docs 8
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By

from config.settings import Settings
from storage import reviews
from tests.browser import start_driver
from tests.conftest import run_sohoa
from tests.synth import make_document, make_registry, write_registry
from tests.web_browser_support import log_in, wait
from tests.web_support import PASSWORD, LiveServer, add_user, namesake
from workers.context import Context

# Reading assumptions for the estimate (stated, not measured): a trained clerk takes in a short table cell
# (a name, a date) in about 0.6 s of fixation and saccade; a red cell needs a second look (about 1.5 s
# more) and a check on the page image (about 2 s); choosing and pressing a key about 0.7 s.
CELL_S, RED_EXTRA_S, IMAGE_CHECK_S, KEY_S = 0.6, 1.5, 2.0, 0.7


def build(root: Path, docs: int, seed: int) -> tuple[Path, dict]:
    home, scans = root / "home", root / "scans"
    scans.mkdir(parents=True)
    registry = make_registry(seed, 400)
    by_id = {c.citizen_id: c for c in registry}
    rng = random.Random(seed)
    extra, truth = [], {}
    for n in range(docs):
        doc = make_document(seed * 100 + n, "birth_certificate", "clean", registry=registry)
        name = f"khai-sinh-{n:02d}.png"
        doc.pages[0].convert("RGB").save(scans / name, dpi=(doc.dpi, doc.dpi))
        truth[name] = [p.get("true_citizen_id") for p in doc.truth["persons"]]
        extra += [namesake(by_id[p["true_citizen_id"]], rng) for p in doc.truth["persons"]
                  if p.get("true_citizen_id") in by_id]
    write_registry(registry + extra, root / "registry.csv")
    run_sohoa(home, "registry", "import", str(root / "registry.csv"), check=True)
    run_sohoa(home, "ingest", str(scans), "--batch", "duyet", "--jobs", "2", check=True, timeout=1800)
    add_user(home, "nguoi-duyet", "staff")
    return home, truth


def choose(driver) -> tuple[str, int, int, int]:
    """The key the script presses, the cells shown, the red cells among them, the candidates."""
    heads = driver.find_elements(By.CSS_SELECTOR, "#compare thead th.cand")
    rows = driver.find_elements(By.CSS_SELECTOR, "#compare tbody tr")
    clean = []
    for col, _ in enumerate(heads):
        cells = [r.find_elements(By.TAG_NAME, "td")[col + 1] for r in rows]
        reds = sum("v-diff" in c.get_attribute("class") for c in cells)
        if reds == 0:
            clean.append(col + 1)
    cells = len(rows) * (1 + len(heads))
    red = len(driver.find_elements(By.CSS_SELECTOR, "#compare td.v-diff"))
    return (str(clean[0]) if len(clean) == 1 else "x"), cells, red, len(heads)


def run(docs: int, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="sohoa-review-bench-") as tmp:
        started = time.perf_counter()
        home, truth = build(Path(tmp), docs, seed)
        ctx = Context(Settings(home=home))
        print(f"archive: {docs} birth certificates through the real pipeline in {time.perf_counter() - started:.0f} s")
        with LiveServer(Settings(home=home, web_process_uploads=False)) as server:
            driver = start_driver()
            try:
                log_in(driver, server.url, "nguoi-duyet", PASSWORD)
                driver.get(server.url + "/staff/review")
                timings, estimates, outcomes = [], [], []
                while driver.find_elements(By.ID, "review"):
                    root = driver.find_element(By.ID, "review")
                    doc_id, person = root.get_attribute("data-doc"), int(root.get_attribute("data-person"))
                    shown = time.perf_counter()  # the item is on the screen (its page has loaded)
                    key, cells, red, ncand = choose(driver)
                    decide_from = time.perf_counter()
                    driver.find_element(By.TAG_NAME, "body").send_keys(key)
                    wait(driver, 30).until(lambda d, r=root: not d.find_elements(By.ID, "review")
                                           or d.find_element(By.ID, "review") != r)
                    done = time.perf_counter()
                    decision = reviews.decisions_for(ctx.index, doc_id).get(person)
                    assert decision is not None and decision.user == "nguoi-duyet", "the decision was not stored"
                    timings.append((decide_from - shown, done - decide_from))
                    reading = cells * CELL_S + RED_EXTRA_S * min(red, 3) + IMAGE_CHECK_S + KEY_S
                    # Scanning the colours first: the name row, then only the red cells, the image, the key.
                    scanning = (1 + ncand) * CELL_S + red * (CELL_S + RED_EXTRA_S) + IMAGE_CHECK_S + KEY_S
                    estimates.append((reading, scanning))
                    record = ctx.index.get_record(doc_id)
                    true_id = truth[record["source"]["name"]][person]
                    outcomes.append((key, decision.citizen_id, true_id, ncand))
            finally:
                driver.quit()
    report(timings, estimates, outcomes)


def report(timings, estimates, outcomes) -> None:
    n = len(timings)
    if not n:
        print("no review items: matching settled every person")
        return
    machine = [a + b for a, b in timings]
    print(f"items reviewed: {n}, candidates per item: {statistics.mean(o[3] for o in outcomes):.1f}")
    print(f"page time per item (reading the screen by script + key → decision stored → next item shown): "
          f"median {statistics.median(machine) * 1000:.0f} ms, max {max(machine) * 1000:.0f} ms "
          f"(of which key → stored → next shown: median {statistics.median(b for _, b in timings) * 1000:.0f} ms)")
    accepted = [o for o in outcomes if o[0] != "x"]
    right = sum(1 for o in accepted if o[1] == o[2])
    print(f"'the only column without red' rule: {len(accepted)}/{n} accepted, {right} of them the true person; "
          f"{n - len(accepted)} rejected (no or several clean columns)")
    reading = [r for r, _ in estimates]
    scanning = [s for _, s in estimates]
    print(f"estimated human time per item, a new user reading every cell shown (+ a second look at red ones, the "
          f"image, the key): median {statistics.median(reading):.1f} s ({min(reading):.1f}-{max(reading):.1f}) "
          f"→ {3600 / statistics.median(reading):.0f} items per hour")
    print(f"estimated once the colours are trusted (the name row, only the red cells, the image, the key): "
          f"median {statistics.median(scanning):.1f} s ({min(scanning):.1f}-{max(scanning):.1f}) "
          f"→ {3600 / statistics.median(scanning):.0f} items per hour")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=8, help="birth certificates to generate (about 1-2 items each)")
    parser.add_argument("--seed", type=int, default=71)
    args = parser.parse_args()
    run(args.docs, args.seed)


if __name__ == "__main__":
    main()
