"""Conversion throughput, in characters per second, on the shipped content or a corpus folder.

    .venv/bin/python benchmarks/conversion.py [SITE]

For each variant: opencc-python-reimplemented (the reference) and docsite's OpenCC
(docsite/opencc_fast.py) on the same distinct texts (a sample of them: the reference is slow);
docsite's whole Converter (markup, glossary layers, OpenCC) on every distinct text a build asks
for, one by one; and the effective rate of a build: every character it asks for (repeats served
from the cache included) over the time it spends in the converter, batches ahead of the calls
included.
Rates are per second of CPU time, which other work on a shared machine disturbs less than the clock.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import opencc

from docsite.convert import Localizer
from docsite.diagnostics import Diagnostics
from docsite.opencc_fast import converter
from docsite.pipeline import load_site
from docsite.variants import Converter, Text

ROOT = Path(__file__).resolve().parent.parent


def throughput(site: Path, sample: int = 150_000) -> dict[str, float]:
    """Characters per second: the reference and docsite's converter on distinct texts, and a build's effective rate."""
    loaded = load_site(site, Diagnostics(site))
    assert loaded is not None
    out: dict[str, float] = {}
    for variant in loaded.config.variants:
        converter(variant.opencc).convert("预热")  # dictionaries and automata load outside the timings
        loc = Localizer(loaded, variant, TimedConverter(variant.code, variant.opencc, loaded.content.glossary))
        for page in loaded.pages.values():
            loc.page(page)
        loc.generated()
        keys = list(loc.convert._cache)
        fresh = Converter(variant.code, variant.opencc, loaded.content.glossary)
        start = time.process_time()
        for source, blocks, layers in keys:
            fresh(Text(source, blocks), *layers)
        seconds = time.process_time() - start
        texts, size = [], 0
        for source, _, _ in keys:
            if size >= sample:
                break
            texts.append(source)
            size += len(source)
        reference, fast = opencc.OpenCC(variant.opencc), converter(variant.opencc)
        rates = {}
        for name, convert in (("reference", reference.convert), ("fast", fast.convert)):
            start = time.process_time()
            for text in texts:
                convert(text)
            rates[name] = size / (time.process_time() - start)
        out[f"{variant.code} opencc-python-reimplemented"] = rates["reference"]
        out[f"{variant.code} docsite OpenCC"] = rates["fast"]
        out[f"{variant.code} docsite Converter, distinct texts one by one"] = sum(len(k[0]) for k in keys) / seconds
        out[f"{variant.code} docsite Converter, effective"] = loc.convert.stats.requested_characters / loc.convert.spent
    return out


class TimedConverter(Converter):
    """The build's converter, counting the CPU seconds spent in it: its calls and its batches ahead of them."""

    spent = 0.0
    _depth = 0

    def __call__(self, *args: Any) -> str:
        with self._timing():
            return super().__call__(*args)

    def prefetch(self, items: Iterable[Any]) -> None:
        with self._timing():
            super().prefetch(items)

    @contextmanager
    def _timing(self) -> Iterator[None]:
        self._depth += 1
        start = time.process_time()
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:  # a call inside a call is counted once
                self.spent += time.process_time() - start


if __name__ == "__main__":
    for name, rate in throughput(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT).items():
        print(f"{name}: {rate / 1e6:.2f} M characters/s")
