"""``build.py [build]``: content -> the output folder, replaced only when the new site is complete."""

from __future__ import annotations

import os
import sys
import time
from functools import cache, partial
from pathlib import Path
from typing import Any

from docsite.diagnostics import program
from docsite.incremental import lastbuild
from docsite.model.result import BuildResult
from docsite.processes import beside
from docsite.stages.write import Staging, Update, refusal, tidy

#: What the last build in this process held (the memory it read and keeps, its site, the records of
#: the output), left for the next build to replace: freeing it as the build ends cost 0.13 s at
#: 10,000 pages, and the ``docsite`` process ends without freeing what it holds (cli.console).
_held: list[object] = []


def run(root: Path, out: Path | None, base_url: str | None, drafts: bool, jobs: int, force: bool) -> int:
    """0 when the site was built (or was up to date), 1 for content errors, 2 for an output folder
    that must not be replaced (``force``: any but the project's own, see write.refusal)."""
    out = out if out is not None else root / "_site"
    problem = refusal(root, out, force)
    if problem:
        print(f"{program()}: error: {problem}", file=sys.stderr)
        return 2
    tidy(out)  # before all: a site up to date is left as it is, but not what killed builds left beside it
    start = time.perf_counter()
    before = lastbuild.state(root, {"base_url": base_url, "drafts": drafts})
    record = lastbuild.recorded(root)
    # Whether the output is as the last build left it: looked at by another process while this one
    # loads what that build kept, when a file the site is made from changed (else it is wanted now).
    apart = record is not None and record.get("inputs") != before["inputs"]
    with beside(partial(lastbuild.as_built, record, out), jobs if apart else 1) as as_found:
        holding = cache(partial(lastbuild.held, record, out, as_found))
        done = lastbuild.up_to_date(root, record, before, holding)
        if done is not None:
            done.seconds = time.perf_counter() - start
            done.diagnostics.report()
            print(f"{out} is up to date: {_summary(done)}; nothing changed since it was built")
            _notes(done)
            return 0
        from docsite.incremental.buildcache import BuildCache  # loaded, as the pipeline is, only to build

        kept = BuildCache.restore(root, record)
        held = holding()
    kept.held = kept.search_memo.held = held is not None
    kept.files.taken = before["inputs"]
    # Pages go to disk as they are made, and replace the old site only when all are: a new folder
    # swapped in, or only the changed files moved in when the output is as the last build left it.
    with Staging(out) if held is None else Update(out, held.files) as staging:
        result = build(root, base_url=base_url, drafts=drafts, progress=True, jobs=jobs, cache=kept, output=staging)
        if result.ok:
            staging.commit()
            token = os.urandom(16).hex()
            kept.save(root, token)
            written = (lastbuild.updated(out, held, staging.changed, staging.removed)
                       if isinstance(staging, Update) and held is not None else lastbuild.output(out))
            lastbuild.save(root, written, before, result, token, lastbuild.texts(kept.files.pages, root / "content"))
    _held[:] = [kept, result, record, before, held]
    result.diagnostics.report()
    if not result.ok:
        print(f"build failed: {result.diagnostics.counts()}; nothing was written", file=sys.stderr)
        return 1
    print(f"built {out}: {_summary(result)}")
    _notes(result)
    return 0


def build(root: Path, **options: Any) -> BuildResult:
    """pipeline.build, whose packages (Jinja, markdown-it, OpenCC...) load only when there is a site
    to build: one found up to date costs its walk of the files, not their half second of imports."""
    from docsite import pipeline

    return pipeline.build(root, **options)


def _summary(result: BuildResult) -> str:
    counts = ", ".join(f"{code} {n}" for code, n in result.pages_per_variant.items())
    warnings = len(result.diagnostics.warnings)
    return f"{counts} pages; {warnings} warning{'s' if warnings != 1 else ''}; {result.seconds:.2f} s"


def _notes(result: BuildResult) -> None:
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
