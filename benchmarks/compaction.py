"""What minifying every page would save once a host compresses it, and what it costs.

    .venv/bin/pip install -e '.[bench]'                 # brotli and minify-html
    .venv/bin/python benchmarks/compaction.py [SITE]   # the shipped site by default

Builds SITE three ways, in this process: from templates as written (their indentation kept), as the
build makes pages (templates read without their lines' indentation: ``render.CompactLoader``), and
as made then minified with minify-html (closing tags kept, as the project once did). Prints the
HTML bytes of each, raw, gzip (level 6, what static hosts use) and brotli (quality 11, what they
precompress with), and the CPU seconds minify-html takes over all pages.
"""

from __future__ import annotations

import gzip
import sys
import time
from pathlib import Path
from unittest.mock import patch

import brotli
import jinja2
import minify_html

from docsite.pipeline import build
from docsite.stages import render


def pages(root: Path) -> dict[str, bytes]:
    return {path: data for path, data in build(root).files.items() if path.endswith(".html")}


def sizes(files: dict[str, bytes]) -> tuple[int, int, int]:
    return (sum(len(data) for data in files.values()),
            sum(len(gzip.compress(data, 6)) for data in files.values()),
            sum(len(brotli.compress(data, quality=11)) for data in files.values()))


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    compact = pages(root)
    with patch.object(render, "CompactLoader", jinja2.FileSystemLoader):  # the templates as written
        written = pages(root)
    start = time.process_time()
    minified = {path: minify_html.minify(data.decode(), keep_closing_tags=True,
                                         keep_html_and_head_opening_tags=True).encode()
                for path, data in compact.items()}
    cost = time.process_time() - start
    base = sizes(written)
    print(f"{len(compact)} pages of {root}: HTML bytes, and as a share of the templates as written")
    print(f"{'':28}{'raw':>18}{'gzip':>18}{'brotli':>18}")
    for name, files in (("templates as written", written), ("compact templates (built)", compact),
                        ("compact, then minify-html", minified)):
        print(f"{name:28}" + "".join(f"{n:>11,} {100 * n / b:5.1f}%" for n, b in zip(sizes(files), base, strict=True)))
    print(f"minify-html: {cost:.2f} CPU s for {len(compact)} pages ({1000 * cost / len(compact):.2f} ms a page)")


if __name__ == "__main__":
    main()
