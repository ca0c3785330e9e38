"""Benchmark: the whole pipeline on freshly generated degraded scans, measured side by side in one run.

Prints, per degradation level, the CER of the searchable PDF's text layer (``pdftotext``) against ground truth
with sohoa's cleanup and without it (the scan given to OCRmyPDF/Tesseract as it is), then the throughput of a
real ``ingest`` of the same set (pages per minute, 1 and N worker processes) and the peak RSS of a worker.

    .venv/bin/python -m bench.pipeline --count 4 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ingest.pages import load_pages
from ingest.source import describe
from ocr.stage import ocr_document
from tests.synth import cer, cer_unordered, make_document

SEED = 90_000  # held out: tests use seeds below 10 000


def _save(doc, path: Path) -> Path:
    first, *rest = doc.pages
    if rest:
        first.save(
            path.with_suffix(".tif"),
            save_all=True,
            append_images=rest,
            dpi=(doc.dpi, doc.dpi),
            compression="tiff_deflate",
        )
        return path.with_suffix(".tif")
    first.convert("RGB").save(path.with_suffix(".png"), dpi=(doc.dpi, doc.dpi))
    return path.with_suffix(".png")


def _measure(args: tuple[str, str, str]) -> dict:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    scan, truth_text, level = args
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    try:
        loaded = load_pages(describe(scan), work / "pages")
        out = {"level": level, "pages": len(loaded.pages)}
        for cleanup in (True, False):
            t = time.perf_counter()
            result = ocr_document(loaded, work / f"ocr-{cleanup}", cleanup=cleanup)
            text = subprocess.run(["pdftotext", result.pdf_path, "-"], capture_output=True, text=True).stdout
            tag = "clean" if cleanup else "raw"
            out[f"cer_{tag}"] = cer(truth_text, text)
            out[f"ucer_{tag}"] = cer_unordered(truth_text, text)
            out["sec_clean" if cleanup else "sec_raw"] = time.perf_counter() - t
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ingest_rate(folder: Path, jobs: int) -> tuple[float, float]:
    from config.settings import Settings
    from workers.batch import ingest_paths
    from workers.context import Context
    from workers.pipeline import Options

    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-home-"))
    try:
        summary = ingest_paths([folder], Options(batch="bench"), Context(Settings(home=home)), jobs=jobs)
        return summary.pages_per_minute, summary.worker_peak_rss_mb
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=4, help="documents per level")
    parser.add_argument("--levels", default="clean,mild,hard")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sohoa-bench-scans-"))
    jobs_args = []
    for li, level in enumerate(args.levels.split(",")):
        for i in range(args.count):
            doc = make_document(SEED + 100 * li + i, None, level)
            scan = _save(doc, folder / f"{level}-{i:03d}")
            truth = "\n".join(line for page in doc.truth["pages"] for line in page["lines"])
            jobs_args.append((str(scan), truth, level))

    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(_measure, jobs_args))

    print(f"Text-layer CER against ground truth ({args.count} documents per level, seed {SEED})")
    print("CER counts reading order; uCER forgives it (two-block headers, two-column pages are read across).")
    head = ("level", "pages", "CER clean", "CER raw", "uCER clean", "uCER raw", "s/page clean", "s/page raw")
    print("".join(f"{h:>13}" for h in head))
    for level in args.levels.split(","):
        sel = [r for r in rows if r["level"] == level]
        pages = sum(r["pages"] for r in sel)
        cells = [level, str(pages)]
        cells += [
            f"{statistics.mean(r[k] for r in sel):.3f}" for k in ("cer_clean", "cer_raw", "ucer_clean", "ucer_raw")
        ]
        cells += [f"{sum(r[k] for r in sel) / pages:.2f}" for k in ("sec_clean", "sec_raw")]
        print("".join(f"{c:>13}" for c in cells))

    print("\nThroughput of `ingest` on the same set (embedded defaults)")
    print(f"{'workers':>7} {'pages/min':>10} {'peak worker RSS MB':>19}")
    for jobs in sorted({1, args.jobs}):
        rate, rss = _ingest_rate(folder, jobs)
        print(f"{jobs:>7} {rate:>10.1f} {rss:>19.0f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
