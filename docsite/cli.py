"""Command line: ``python build.py [build|check|new|serve] ...``: the arguments, parsed and sent
to the command's module in docsite/commands/ (one a verb).

Exit status: 0 success, 1 content errors, 2 usage errors. Problems are printed as
``path:line:col: error: message`` with a hint, never as a traceback. So are the faults of the
machine a command runs on: a file that cannot be written (a read-only folder, a full disk), a
process building pages that the system ended: one line, exit status 1; Ctrl-C or SIGTERM stops a
command with one line and exit status 130 or 143, as a shell reports them, once the command has
cleaned up after itself (the new site's folder deleted, the processes building pages ended).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import NoReturn

from docsite.diagnostics import FORMATS, program
from docsite.processes import cores, start_method, stop_waiting

COMMANDS = ("build", "check", "new", "serve")
JOBS_HELP = "processes that convert and render pages (default: one per core)"


def _parser(prog: str) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(), help="the site's folder (default: here)")
    parser = argparse.ArgumentParser(prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Build the documentary site (the command 'build' when none is given).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{build,check,new,serve}")
    b = sub.add_parser("build", parents=[common], help="content -> output folder (the default command)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: _site in the site's folder)")
    b.add_argument("--force", action="store_true",
                   help="replace --out even if no build made it (never the project, content/ or .git)")
    b.add_argument("--base-url", default=None, help="URL the site is served from, e.g. https://example.org/treaty/")
    b.add_argument("--drafts", action="store_true", help="include pages marked draft: true")
    b.add_argument("--jobs", type=_jobs, default=cores(), help=JOBS_HELP)
    c = sub.add_parser("check", parents=[common], help="validate everything, write nothing")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--drafts", action="store_true", help="check draft pages too")
    c.add_argument("--jobs", type=_jobs, default=cores(), help=JOBS_HELP)
    c.add_argument("--format", choices=FORMATS, default="text",
                   help="text: for people, on standard error (the default); json: a list of {file, line, column, "
                        "severity, message, hint}; github: annotations for GitHub Actions (both on standard output)")
    s = sub.add_parser("serve", parents=[common], help="build, serve with live reload, rebuild on change")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)")
    s.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free port)")
    s.add_argument("--drafts", action="store_true", help="include pages marked draft: true")
    s.add_argument("--open", action="store_true", help="open the preview in the web browser")
    s.add_argument("--verbose", action="store_true", help="log every request and browser connected")
    s.add_argument("--jobs", type=_jobs, default=cores(), help=JOBS_HELP)
    n = sub.add_parser("new", parents=[common], help="start a content file from its type's archetype")
    n.add_argument("type", help="a page type of site.yaml, e.g. person or event")
    n.add_argument("slug", help="the file name without .md, e.g. andrey-vyshinsky")
    n.add_argument("--title", help="the page's title (default: the slug)")
    n.add_argument("--date", help="EDTF date, required for events: 1950-02-14, 1950-02, 1950~")
    # Every command's options in the main help: 'build' is run when no command is named, so its
    # options (--out, --base-url) are the first an editor or deployer looks for.
    parser.epilog = "\n".join(command.format_help() for command in (b, c, s, n))
    return parser


def _version() -> str:
    try:
        return metadata.version("docsite")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more, not '{value}'")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, not '{value}'")
    return int(value)


def console() -> NoReturn:
    """The command as its process runs it (the ``docsite`` script, build.py): ``main``, then the
    process ends without freeing what it holds, as mypy's does. At 10,000 pages a build holds
    millions of objects (the memory it read and keeps, see incremental/kept.py): freeing them cost
    0.2 s, a tenth of a build after an edit, for a process about to end anyway."""
    code = main()
    with contextlib.suppress(OSError, ValueError):  # a closed pipe: what a normal exit would ignore too
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    prog = program()
    args = _parser(prog).parse_args(argv)
    try:
        start_method()
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    try:
        with _stopped_by_sigterm():
            return _run(args)
    except KeyboardInterrupt:
        print(f"{prog}: stopped by Ctrl-C", file=sys.stderr)
        return 128 + signal.SIGINT
    except Stopped:
        print(f"{prog}: stopped by SIGTERM", file=sys.stderr)
        return 128 + signal.SIGTERM
    except OSError as exc:
        print(f"{prog}: error: {_described(exc)}", file=sys.stderr)
        return 1
    except BrokenProcessPool:
        print(f"{prog}: error: a process building pages was ended before it finished (by the system: out of "
              "memory?); nothing was changed", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    """The command's packages load only when it runs (the server's, the build's: see build.run)."""
    root: Path = args.root
    if args.command == "new":
        from docsite.commands import new

        return new.run(root, args.type, args.slug, args.title, args.date)
    if args.command == "serve":
        from docsite.commands import serve

        return serve.serve(root, args.host, args.port, args.drafts, args.open, args.verbose, args.jobs)
    if args.command == "check":
        from docsite.commands import check

        return check.run(root, args.strict, args.drafts, args.jobs, args.format)
    from docsite.commands import build

    return build.run(root, args.out, args.base_url, args.drafts, args.jobs, args.force)


class Stopped(BaseException):
    """SIGTERM (a CI's timeout, a service manager), raised as Ctrl-C raises KeyboardInterrupt, so
    that what runs cleans up on the way out as for Ctrl-C; not an Exception, which code may catch."""


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM raises ``Stopped`` in this thread while the block runs (only the main thread can
    take signals; a test may run a command in another)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        stop_waiting()
        raise Stopped

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _described(exc: OSError) -> str:
    """An OSError in words: what failed, and on which file(s)."""
    text = exc.strerror or str(exc)
    names = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    return f"{text}: {' -> '.join(names)}" if names else text


if __name__ == "__main__":
    console()
