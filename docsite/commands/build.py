"""``build.py [build]``: content -> the output folder, replaced only when the new site is complete."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from docsite.incremental import lastbuild
from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import BuildResult, build
from docsite.stages.write import Staging


def run(root: Path, out: Path | None, base_url: str | None, drafts: bool, jobs: int) -> int:
    """0 when the site was built (or was up to date), 1 for content errors, 2 for an output folder
    that must not be replaced."""
    out = out if out is not None else root / "_site"
    problem = _unsafe_out(root, out)
    if problem:
        print(f"build.py: error: {problem}; choose another --out", file=sys.stderr)
        return 2
    start = time.perf_counter()
    before = lastbuild.state(root, {"base_url": base_url, "drafts": drafts})
    recorded = lastbuild.up_to_date(root, out, before)
    if recorded is not None:
        recorded.seconds = time.perf_counter() - start
        recorded.diagnostics.report()
        print(f"{out} is up to date: {_summary(recorded)}; nothing changed since it was built")
        _notes(recorded)
        return 0
    with Staging(out) as staging:  # pages go to disk as they are made, and replace the old site only when all are
        result = build(root, base_url=base_url, drafts=drafts, progress=True, jobs=jobs,
                       cache=BuildCache(stored=True), output=staging)
        if result.ok:
            staging.commit()
            lastbuild.save(root, out, before, result)
    result.diagnostics.report()
    if not result.ok:
        print(f"build failed: {result.diagnostics.counts()}; nothing was written", file=sys.stderr)
        return 1
    print(f"built {out}: {_summary(result)}")
    _notes(result)
    return 0


def _unsafe_out(root: Path, out: Path) -> str | None:
    """Refuse output folders whose replacement would destroy the project."""
    root, out = root.resolve(), out.resolve()
    if root.is_relative_to(out):
        return f"the output folder {out} contains the project itself"
    for name in ("content", "templates", "static", "docsite", "tests"):
        if out.is_relative_to(root / name):
            return f"the output folder {out} is inside {name}/"
    return None


def _summary(result: BuildResult) -> str:
    counts = ", ".join(f"{code} {n}" for code, n in result.pages_per_variant.items())
    warnings = len(result.diagnostics.warnings)
    return f"{counts} pages; {warnings} warning{'s' if warnings != 1 else ''}; {result.seconds:.2f} s"


def _notes(result: BuildResult) -> None:
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
