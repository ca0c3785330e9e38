"""Benchmark: scan quality flags on synthetic scans, measured in one run.

1. The real pipeline (load → cleanup/OCR → extract → quality) on fresh clean / mild / hard scans of every
   document type: how many pages get which flag, the OCR confidence spread per level (what
   ``SOHOA_QUALITY_MIN_CONFIDENCE`` is judged against), and the quality step's time beside OCR's.
2. Clean pages spoiled the ways an operator's scans go wrong (blank, 150 dpi, greyscale, cut at an edge, a
   dark scanner border, too dark, too faint): how often the expected flag, and only it, is raised.

    .venv/bin/python -m bench.quality_flags --count 7 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2

from ingest.source import describe
from ocr.quality import QualityThresholds, judge_image
from ocr.scan_facts import measure
from tests import quality_pages as qp
from tests.synth import DOC_TYPES, make_document
from workers.pipeline import Options, Task, process

SEED = 95_000  # held out: tests use seeds below 10 000
THRESHOLDS = QualityThresholds()


def _run(args: tuple[int, str, str, str]) -> dict:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    seed, doc_type, level, root = args
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-q-", dir=root))
    try:
        doc = make_document(seed, doc_type, level)
        path = work / "scan.tif"
        first, *rest = doc.pages
        first.save(path, save_all=True, append_images=rest, dpi=(doc.dpi, doc.dpi), compression="tiff_deflate")
        result = process(Task(f"b{seed}", describe(path), Options(batch="bench", quality=THRESHOLDS), str(work / "w")))
        if result.error:
            return {"level": level, "error": result.error["code"], "pages": []}
        pages = [
            {"codes": [f.code for f in result.quality.get(p.number, [])], "confidence": p.mean_confidence}
            for p in result.ocr.pages
        ]
        return {"level": level, "pages": pages, "quality_s": result.steps["quality"], "ocr_s": result.steps["ocr"]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _spoiled(seed: int, doc_type: str) -> list[tuple[str, str | None, bool]]:
    """(case, expected flag, raised exactly that) for one clean page spoiled in each way."""
    image, dpi = qp.clean_page(seed, doc_type)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    cases = [
        ("clean as scanned", image, dpi, None),
        ("blank page", qp.blank_page(dpi, seed), dpi, "blank"),
        ("150 dpi", qp.resampled(image, dpi, 150), 150.0, "low_dpi"),
        ("greyscale", qp.greyscale(image), dpi, "not_colour"),
        ("dark scanner border", qp.dark_border(image, dpi, ("left", "top")), dpi, None),
        ("too dark", qp.darker(image), dpi, "too_dark"),
        ("too faint", qp.fainter(image), dpi, "too_faint"),
    ]
    for side, share in (("right", 0.2), ("left", 0.2), ("top", 0.15), ("bottom", 0.15)):
        dx, dy = round(w * share), round(h * share)
        line = {"right": gray[:, w - dx], "left": gray[:, dx], "bottom": gray[h - dy], "top": gray[dy]}[side]
        through = int((line < 128).sum()) >= 5 * dpi / 100  # the cut line crosses writing
        name = f"cut {side} {'through writing' if through else 'between lines'}"
        cases.append((name, qp.cut(image, side, share), dpi, "cut_off" if through else None))
    out = []
    for name, img, d, expected in cases:
        codes = [f.code for f in judge_image(measure(img, d), dpi=d, dpi_source="file", colour_required=True,
                                             thresholds=THRESHOLDS)]
        out.append((name, expected, codes == ([expected] if expected else [])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=7, help="documents per level (document types in turn)")
    parser.add_argument("--levels", default="clean,mild,hard")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    levels = args.levels.split(",")
    root = tempfile.mkdtemp(prefix="sohoa-bench-quality-")
    try:
        work = [(SEED + 1000 * li + i, DOC_TYPES[i % len(DOC_TYPES)], level, root)
                for li, level in enumerate(levels) for i in range(args.count)]
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(_run, work))
            spoiled = [r for part in pool.map(_spoiled, *zip(*[(SEED + 500 + i, t) for i, t in enumerate(DOC_TYPES)],
                                                            strict=True)) for r in part]
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"1. Pipeline on synthetic scans ({args.count} documents per level, seed {SEED}, default thresholds)")
    print(f"{'level':>6} {'pages':>6} {'no flag':>8}  flags (pages)                              "
          f"{'conf. min':>9} {'p10':>5} {'median':>6}")
    for level in levels:
        pages = [p for r in rows if r["level"] == level for p in r["pages"]]
        failed = [r["error"] for r in rows if r["level"] == level and "error" in r]
        counts = Counter(code for p in pages for code in p["codes"])
        conf = sorted(p["confidence"] for p in pages if p["confidence"] is not None)
        flags = ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "-"
        if failed:
            flags += f"  (failed: {', '.join(failed)})"
        clean_pages = sum(not p["codes"] for p in pages)
        p10 = conf[len(conf) // 10] if conf else 0.0
        print(f"{level:>6} {len(pages):>6} {clean_pages:>8}  {flags:<42} {conf[0] if conf else 0:>9.2f} "
              f"{p10:>5.2f} {statistics.median(conf) if conf else 0:>6.2f}")
    q = sum(r.get("quality_s", 0) for r in rows)
    o = sum(r.get("ocr_s", 0) for r in rows)
    n = sum(len(r["pages"]) for r in rows)
    print(f"quality step {1000 * q / n:.0f} ms per page, {100 * q / o:.1f}% of the OCR step's time "
          f"({o / n:.1f} s/page)")

    print(f"\n2. Clean pages spoiled on purpose ({len(DOC_TYPES)} document types, one page each): exactly the "
          "expected flag")
    by_case: dict[str, list[bool]] = {}
    expected: dict[str, str | None] = {}
    for name, flag, ok in spoiled:
        by_case.setdefault(name, []).append(ok)
        expected[name] = flag
    for name, oks in by_case.items():
        print(f"  {name:<32} expect {expected[name] or 'no flag':<11} {sum(oks):>2}/{len(oks)}")


if __name__ == "__main__":
    main()
