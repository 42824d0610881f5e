"""Command line: ``python build.py [build|check] ...``.

Exit status: 0 success, 1 content errors, 2 usage errors. Problems are printed as
``path:line:col: error: message`` with a hint, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from docsite.commands.new import ScaffoldError, new_page
from docsite.config.settings import load_config
from docsite.diagnostics import Diagnostics
from docsite.incremental import lastbuild
from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import BuildResult, build
from docsite.stages.write import Staging

COMMANDS = ("build", "check", "new", "serve")
JOBS_HELP = "processes that convert and render pages (default: one per core)"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(), help="the site's folder (default: here)")
    parser = argparse.ArgumentParser(prog="build.py", description="Build the documentary site.")
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", parents=[common], help="content -> output folder (the default command)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: _site in the site's folder)")
    b.add_argument("--base-url", default=None, help="URL the site is served from, e.g. https://example.org/treaty/")
    b.add_argument("--drafts", action="store_true", help="include pages marked draft: true")
    b.add_argument("--jobs", type=_jobs, default=_cores(), help=JOBS_HELP)
    c = sub.add_parser("check", parents=[common], help="validate everything, write nothing")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--drafts", action="store_true", help="check draft pages too")
    c.add_argument("--jobs", type=_jobs, default=_cores(), help=JOBS_HELP)
    s = sub.add_parser("serve", parents=[common], help="build, serve with live reload, rebuild on change")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--drafts", action="store_true", help="include pages marked draft: true")
    n = sub.add_parser("new", parents=[common], help="start a content file from its type's archetype")
    n.add_argument("type", help="a page type of site.yaml, e.g. person or event")
    n.add_argument("slug", help="the file name without .md, e.g. andrey-vyshinsky")
    n.add_argument("--title", help="the page's title (default: the slug)")
    n.add_argument("--date", help="EDTF date, required for events: 1950-02-14, 1950-02, 1950~")
    return parser


def _cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0))


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more, not '{value}'")
    return int(value)


def _report(diags: Diagnostics) -> None:
    for item in diags.sorted():
        print(item.format(), file=sys.stderr)


def _summary(result: BuildResult) -> str:
    counts = ", ".join(f"{code} {n}" for code, n in result.pages_per_variant.items())
    warnings = len(result.diagnostics.warnings)
    return f"{counts} pages; {warnings} warning{'s' if warnings != 1 else ''}; {result.seconds:.2f} s"


def _notes(result: BuildResult) -> None:
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)


def _unsafe_out(root: Path, out: Path) -> str | None:
    """Refuse output folders whose replacement would destroy the project."""
    root, out = root.resolve(), out.resolve()
    if root.is_relative_to(out):
        return f"the output folder {out} contains the project itself"
    for name in ("content", "templates", "static", "docsite", "tests"):
        if out.is_relative_to(root / name):
            return f"the output folder {out} is inside {name}/"
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = _parser().parse_args(argv)
    root: Path = args.root
    if args.command == "new":
        return _new(root, args)
    if args.command == "serve":
        from docsite.commands.serve import serve  # the server's packages load only when serving

        return serve(root, args.host, args.port, args.drafts)
    if args.command == "check":
        result = build(root, drafts=args.drafts, lint=True, progress=True, jobs=args.jobs,
                       cache=BuildCache(stored=True))
        _report(result.diagnostics)
        failed = not result.ok or (args.strict and result.diagnostics.warnings)
        print(("check failed: " if failed else "check passed: ") + _count(result.diagnostics), file=sys.stderr)
        return 1 if failed else 0
    out = args.out if args.out is not None else root / "_site"
    problem = _unsafe_out(root, out)
    if problem:
        print(f"build.py: error: {problem}; choose another --out", file=sys.stderr)
        return 2
    start = time.perf_counter()
    before = lastbuild.state(root, {"base_url": args.base_url, "drafts": args.drafts})
    recorded = lastbuild.up_to_date(root, out, before)
    if recorded is not None:
        recorded.seconds = time.perf_counter() - start
        print(f"{out} is up to date: {_summary(recorded)}; nothing changed since it was built")
        _notes(recorded)
        return 0
    staging = Staging(out)  # pages go to disk as they are made, and replace the old site only when all are
    try:
        result = build(root, base_url=args.base_url, drafts=args.drafts, progress=True, jobs=args.jobs,
                       cache=BuildCache(stored=True), output=staging)
        if result.ok:
            staging.commit()
            lastbuild.save(root, out, before, result)
    finally:
        if not staging.committed:
            staging.discard()
    _report(result.diagnostics)
    if not result.ok:
        print(f"build failed: {_count(result.diagnostics)}; nothing was written", file=sys.stderr)
        return 1
    print(f"built {out}: {_summary(result)}")
    _notes(result)
    return 0


def _new(root: Path, args: argparse.Namespace) -> int:
    diags = Diagnostics(root)
    config = load_config(root, diags)
    if config is None:
        _report(diags)
        return 1
    try:
        path = new_page(config, args.type, args.slug, args.title, args.date)
    except ScaffoldError as exc:
        print(f"build.py new: error: {exc}", file=sys.stderr)
        return 2
    print(path.relative_to(root.resolve()) if path.is_relative_to(root.resolve()) else path)
    return 0


def _count(diags: Diagnostics) -> str:
    e, w = len(diags.errors), len(diags.warnings)
    return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


if __name__ == "__main__":
    sys.exit(main())
