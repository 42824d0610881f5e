"""``build.py check``: validate everything and lint the conversion, write nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import build


def run(root: Path, strict: bool, drafts: bool, jobs: int, form: str = "text") -> int:
    """0 when the site would build (and, with ``strict``, has no warning), else 1; the problems on
    standard error, each at its file and line, or on standard output in the ``form`` asked for
    (see ``Diagnostics.report``)."""
    result = build(root, drafts=drafts, progress=True, jobs=jobs, cache=BuildCache(stored=True))
    try:
        result.diagnostics.report(form)
    except BrokenPipeError:  # the program reading the report stopped (| head): the rest is not wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit, when Python flushes
    failed = not result.ok or (strict and bool(result.diagnostics.warnings))
    print(("check failed: " if failed else "check passed: ") + result.diagnostics.counts(), file=sys.stderr)
    return 1 if failed else 0
