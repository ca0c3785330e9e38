"""python -m tests.synth OUT_DIR [--count N] [--seed S] [--levels clean,mild,hard]"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from .degrade import LEVELS
from .files import FORMATS, generate_set


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.synth",
                                     description="Write synthetic degraded scans of civil records with truth.")
    parser.add_argument("out_dir")
    parser.add_argument("--count", type=int, default=21)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--levels", default=",".join(LEVELS), help="comma-separated: clean,mild,hard")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: png,jpeg,tiff,pdf")
    parser.add_argument("--registry-size", type=int, default=2000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    levels = [s.strip() for s in args.levels.split(",") if s.strip()]
    formats = [s.strip() for s in args.formats.split(",") if s.strip()]
    start = time.monotonic()
    try:
        paths = generate_set(args.out_dir, args.count, args.seed, levels=levels,
                             registry_size=args.registry_size, formats=formats)
    except ValueError as exc:
        parser.error(str(exc))
    logging.getLogger("tests.synth").info("%d scan(s) and registry.csv in %s (%.1f s)", len(paths), args.out_dir,
                                          time.monotonic() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
