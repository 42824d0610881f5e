"""``build.py check``: validate everything and lint the conversion, write nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from docsite.incremental import lastbuild
from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import build
from docsite.stages.write import Unwritten


def run(root: Path, strict: bool, drafts: bool, jobs: int, form: str = "text") -> int:
    """0 when the site would build (and, with ``strict``, has no warning), else 1; the problems on
    standard error, each at its file and line, or on standard output in the ``form`` asked for
    (see ``Diagnostics.report``)."""
    # From what the last build kept in .cache/, as a build after an edit: only what changed since is
    # loaded, linted and made again (at 10,000 pages, 1.4 s instead of 24 s), and the check reports
    # what one from nothing would. It writes nothing: what that build made is not read back (``held``),
    # and .cache/ is left as that build left it, for the next (``keeps``); with no build before, the
    # parts it made are kept there, which a build then takes.
    record = lastbuild.recorded(root)
    cache = BuildCache.restore(root, record, held=True)
    cache.keeps = record is None
    result = build(root, drafts=drafts, progress=True, jobs=jobs, cache=cache, output=Unwritten())
    try:
        result.diagnostics.report(form)
    except BrokenPipeError:  # the program reading the report stopped (| head): the rest is not wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit, when Python flushes
    failed = not result.ok or (strict and bool(result.diagnostics.warnings))
    print(("check failed: " if failed else "check passed: ") + result.diagnostics.counts(), file=sys.stderr)
    return 1 if failed else 0
