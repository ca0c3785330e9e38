"""pdftoppm: one PDF page to a raw bitmap."""

from __future__ import annotations

from pathlib import Path

from ingest._exec import run, stderr_text

DEFAULT_TIMEOUT = 180.0


def render_page(
    pdf: Path, page: int, out_prefix: Path, *, dpi: float, timeout: float = DEFAULT_TIMEOUT
) -> tuple[Path, str]:
    """Render page ``page`` (1-based) at ``dpi`` to ``out_prefix``.ppm (RGB); return it and the tool's stderr.

    PPM rather than poppler's own PNG: writing raw and compressing once in Pillow at a fast level is
    several times quicker than poppler's default zlib level, and ``-gray`` is ignored for PNG output.
    The crop box is the page as viewers show it. Paths are absolute, so none can pass for an option.
    """
    args = [
        "-r", f"{dpi:g}",
        "-f", str(page), "-l", str(page),
        "-singlefile", "-cropbox",
        str(pdf.absolute()), str(out_prefix.absolute()),
    ]  # fmt: skip
    proc = run("pdftoppm", args, timeout=timeout)
    return out_prefix.with_name(out_prefix.name + ".ppm"), stderr_text(proc.stderr)
