"""Conversion throughput on the shipped content.

    .venv/bin/python benchmarks/conversion.py

Builds the site in memory, then reports for each variant how many texts and characters the
templates and pages asked to convert, how many distinct ones were converted (each once), and the
throughput: characters given to OpenCC per second, and characters served per second of conversion
(repeats come from the cache).
"""

from __future__ import annotations

import time
from pathlib import Path

from docsite.convert import Localizer
from docsite.diagnostics import Diagnostics
from docsite.pipeline import load_site
from docsite.variants import Converter, Text

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None, "the content has errors: run build.py check"
    for variant in site.config.variants:
        loc = Localizer(site, variant)
        for page in site.pages.values():
            loc.page(page)
        loc.generated()
        stats = loc.convert.stats
        texts = [Text(source, blocks) for source, blocks, _ in loc.convert._cache]
        fresh = Converter(variant.code, variant.opencc, site.content.glossary)
        fresh("预热")  # load OpenCC's dictionaries outside the timing
        start = time.perf_counter()
        for text in texts:
            fresh(text)
        seconds = time.perf_counter() - start
        print(f"{variant.code} ({variant.opencc}): {stats.requests} requests, {stats.requested_characters} characters; "
              f"{stats.texts} distinct texts, {stats.characters} characters to OpenCC; "
              f"{stats.characters / seconds / 1e6:.2f} M characters/s converted, "
              f"{stats.requested_characters / seconds / 1e6:.2f} M characters/s served")


if __name__ == "__main__":
    main()
