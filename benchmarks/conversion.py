"""Conversion throughput, in characters per second, on the shipped content or a corpus folder.

    .venv/bin/python benchmarks/conversion.py [SITE]

For each variant: opencc-python-reimplemented (the reference) and docsite's OpenCC
(docsite/text/opencc_fast.py) on the same distinct texts (a sample of them: the reference is slow);
docsite's whole Converter (markup, glossary layers, OpenCC) on every distinct text a build asks
for, one by one; and the effective rate of a build: every character it asks for (repeats served
from the cache included) over the time a fresh converter takes to answer the same requests in
the same order (calls, and batches ahead of them).
Rates are per second of CPU time, which other work on a shared machine disturbs less than the clock.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import opencc

from docsite.diagnostics import Diagnostics
from docsite.pipeline import load_site
from docsite.stages.render import environment, interface
from docsite.stages.views import Localizer
from docsite.text.opencc_fast import converter
from docsite.text.variants import Converter, Text

ROOT = Path(__file__).resolve().parent.parent


def throughput(site: Path, sample: int = 150_000) -> dict[str, float]:
    """Characters per second: the reference and docsite's converter on distinct texts, and a build's effective rate."""
    loaded = load_site(site, Diagnostics(site))
    assert loaded is not None
    out: dict[str, float] = {}
    for variant in loaded.config.variants:
        converter(variant.opencc).convert("预热")  # dictionaries and automata load outside the timings
        recording = RecordingConverter(variant.code, variant.opencc, loaded.content.glossary)
        loc = Localizer(loaded, variant, recording, interface(environment(loaded.config), recording))
        for page in loaded.pages.values():
            loc.page(page)
        for pid in loc.generated_ids():
            loc.generated(pid)
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
        effective = Converter(variant.code, variant.opencc, loaded.content.glossary)
        seconds = replay(recording.requests, effective)
        out[f"{variant.code} docsite Converter, effective"] = effective.stats.requested_characters / seconds
    return out


class RecordingConverter(Converter):
    """The build's converter, keeping what the build asks of it (its calls, and its batches ahead of
    them, as lists), so that the same requests can be timed on a fresh converter in one loop, with
    no timer around each call and without the Markdown work that lists a page's texts."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.requests: list[tuple[str, tuple[Any, ...]]] = []
        self._depth = 0

    def __call__(self, *args: Any) -> str:
        return self._record("__call__", args)

    def prefetch(self, items: Iterable[Any]) -> None:
        self._record("prefetch", (list(items),))

    def _record(self, method: str, args: tuple[Any, ...]) -> Any:
        if not self._depth:  # the converter's own calls to itself are not requests
            self.requests.append((method, args))
        self._depth += 1
        try:
            return getattr(super(), method)(*args)
        finally:
            self._depth -= 1


def replay(requests: list[tuple[str, tuple[Any, ...]]], fresh: Converter) -> float:
    """CPU seconds ``fresh`` takes to answer ``requests`` in order."""
    calls = [(getattr(fresh, method), args) for method, args in requests]
    start = time.process_time()
    for call, args in calls:
        call(*args)
    return time.process_time() - start


if __name__ == "__main__":
    for name, rate in throughput(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT).items():
        print(f"{name}: {rate / 1e6:.2f} M characters/s")
