"""Bench: the same cleaned pages read by Tesseract with different model folders, side by side.

Every page of ``--count`` synthetic documents per level is cleaned by ``ocr.prepare.prepare_page`` (what the
pipeline hands Tesseract) and read once per model folder, one after the other, so load on the machine weighs on
all models alike. Per level and model: CER, uCER (``tests.synth.metrics``) and Tesseract's CPU seconds per page
(user + system time of the child process, which a busy machine does not inflate as it does wall time).

    .venv/bin/python -m bench.ocr_models --models fast=/usr/share/tesseract-ocr/5/tessdata,best=var/tessdata

Documents come from a development seed range (the accuracy bench's seed is held out).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

from bench.cleanup_cer import THRESHOLDING_CODES, to_bgr
from ocr.prepare import prepare_page
from tests.synth import cer, cer_unordered, make_document

DEV_SEED = 880_000
SYSTEM = "/usr/share/tesseract-ocr/5/tessdata"


def read_page(path: Path, folder: str, dpi: float, thresholding: str | None) -> tuple[str, float]:
    """Plain text of one page image and the CPU seconds Tesseract spent on it (one thread)."""
    cmd = ["tesseract", str(path), "-", "--tessdata-dir", folder, "-l", "vie", "--psm", "3", "--dpi", str(round(dpi))]
    if thresholding is not None:
        cmd += ["-c", f"thresholding_method={THRESHOLDING_CODES[thresholding]}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"),
                          timeout=900, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done.stdout, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=6, help="documents per level")
    parser.add_argument("--levels", default="clean,mild,hard")
    parser.add_argument("--seed", type=int, default=DEV_SEED)
    parser.add_argument("--models", default=f"fast={SYSTEM},best=var/tessdata",
                        help="comma-separated NAME=FOLDER, each folder holding vie.traineddata")
    parser.add_argument("--enlarge", default="1", help="comma-separated factors the cleaned page is enlarged by "
                        "(cubic) before reading, each read by every model")
    parser.add_argument("--max-dpi", type=float, default=1e9, help="enlarge only pages scanned at or under this")
    parser.add_argument("--by-dpi", action="store_true", help="one row per level and scan resolution")
    parser.add_argument("--per-page", action="store_true")
    args = parser.parse_args()
    folders = dict(item.split("=", 1) for item in args.models.split(","))
    factors = [float(f) for f in args.enlarge.split(",")]
    models = {(f"{name}@{k:g}" if len(factors) > 1 else name): (folder, k) for k in factors
              for name, folder in folders.items()}
    scores: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="sohoa-models-") as tmp:
        path = Path(tmp) / "page.png"
        for level in args.levels.split(","):
            for i in range(args.count):
                doc = make_document(args.seed + i, level=level)
                for page, truth in zip(doc.pages, doc.truth["pages"], strict=True):
                    prepared = prepare_page(to_bgr(page), float(doc.dpi))
                    reference = "\n".join(truth["lines"])
                    line = []
                    for name, (folder, k) in models.items():
                        k = k if doc.dpi <= args.max_dpi else 1.0
                        image = prepared.ocr_image
                        if k != 1:
                            image = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
                        cv2.imwrite(str(path), image)
                        text, seconds = read_page(path, folder, doc.dpi * k, prepared.tesseract_thresholding)
                        group = f"{level}/{doc.dpi}" if args.by_dpi else level
                        scores[group, name].append((cer(reference, text), cer_unordered(reference, text), seconds))
                        line.append(f"{name} uCER {scores[group, name][-1][1]:.1%} {seconds:.1f} s")
                    if args.per_page:
                        print(f"{level} seed {args.seed + i} {doc.truth['doc_type']} {doc.dpi} dpi: "
                              + ", ".join(line), flush=True)
    first = next(iter(models))
    print(f"{'level':<10} {'model':<10} {'pages':>5} {'CER':>7} {'uCER':>7} {'CPU s/page':>10} {'× ' + first:>9}")
    for group in sorted({g for g, _ in scores}, key=lambda g: (args.levels.find(g.split("/")[0]), g)):
        base = np.mean([s for _, _, s in scores[group, first]])
        for name in models:
            rows = scores[group, name]
            c, u, s = (float(np.mean([r[k] for r in rows])) for k in range(3))
            print(f"{group:<10} {name:<10} {len(rows):>5} {c:>7.1%} {u:>7.1%} {s:>10.2f} {s / base:>9.2f}")


if __name__ == "__main__":
    main()
