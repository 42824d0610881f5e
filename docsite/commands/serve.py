"""``build.py serve``: build, serve the output as a static host would, rebuild on change, reload.

The output is served by docsite/preview/host.py (tornado); livereload's socket and script tell the
browser to reload. livereload's own file watcher is not used: it ignores any change within three
seconds of a reload and polls slowly, so quick successive saves were lost (the failure that made
MkDocs drop it, mkdocs#2385). Here a poll every 100 ms looks at the sources when the file system
has reported a change (``Watch``: at the files it names) and starts a rebuild whenever they differ
from what was last built, and every finished rebuild sends one reload: a burst of saves gives at
most a reload per rebuild, and the last save is always shown. When the save was of one page, the
reload names that page, and the browser goes to it (docsite/preview/navigate.js). That page is
made first and the reload sent; the rest of what the save changed is made once the browser has
had the page, or before any other address it asks for is answered (``Preview.ready``), so that no
address answers with a page made before the save.

The port is taken before the first build, so that a busy one is said at once, in one line.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import json
import os
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Collection
from pathlib import Path
from socket import socket
from typing import NamedTuple

from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import ioloop, log, netutil
from tornado.httpserver import HTTPServer
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from docsite.config.settings import load_config
from docsite.diagnostics import Diagnostic, Diagnostics, program
from docsite.incremental import lastbuild
from docsite.incremental.buildcache import BuildCache
from docsite.incremental.signatures import INPUTS, inputs, relooked
from docsite.model import urls
from docsite.model.config import SiteConfig
from docsite.model.files import page_id
from docsite.model.result import BuildResult
from docsite.pipeline import build
from docsite.preview import host
from docsite.preview.errorpage import ErrorPage
from docsite.preview.problems import Problem, of_diagnostic, of_exception
from docsite.processes import collected_less_often
from docsite.stages.write import UNCHANGED, Staging, Update

POLL_MS = 100
#: Seconds without a request after which the rest of a build that made the saved page first is
#: made (``Preview.settle``): the browser has had the page and what it loads with it.
QUIET_S = 0.3
#: Seconds after which the rest is made though no browser asked for the page saved.
UNASKED_S = 1.0
#: Seconds between looks at every watched file when the file system has reported nothing.
CHECK_S = 5.0
#: How a reload message names the page saved (see docsite/preview/navigate.js).
NAVIGATE = "docsite-navigate:"
#: How many ports after a busy one are tried for a free one to suggest.
PORTS_TRIED = 100


class Look(NamedTuple):
    """What to look at: the paths the file system reported, or every watched file (None)."""

    paths: frozenset[str] | None


class Watch(FileSystemEventHandler):
    """When to look at the watched files again, and which: the paths the file system reports
    changed below the site (watchdog: inotify, FSEvents, ReadDirectoryChangesW), as soon as it
    reports them; and every file every ``CHECK_S`` seconds in any case, for file systems that report
    nothing or lose reports (some network and container mounts). Looking at every file means
    statting it and walking the folders, 90 ms at 10,000 pages: ten times a second, that was half
    a core while the editor reads, and a fifth of a one-page rebuild."""

    def __init__(self, root: Path):
        self.changed = threading.Event()
        self.changed.set()
        self._lock = threading.Lock()
        self._reported: set[str] = set()
        self.looked_at_all: float | None = None
        self.observer: BaseObserver | None = Observer()
        try:
            for name in INPUTS:  # not the whole folder: the output is in it
                path = root / name
                if path.is_dir():
                    self.observer.schedule(self, str(path), recursive=True)
            self.observer.schedule(self, str(root), recursive=False)  # site.yaml, and folders made later
            self.observer.start()
        except OSError:  # no events to be had (e.g. inotify's limit of watches): look every time
            self.observer = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):  # the build reads files too
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's entries changed: each is reported by its own path
        with self._lock:
            self._reported.update(os.fsdecode(p) for p in (event.src_path, event.dest_path) if p)
        self.changed.set()

    def due(self, now: float) -> Look | None:
        """Whether to look now (``now``: time.monotonic()), and at what; None: not yet."""
        everything = self.observer is None or self.looked_at_all is None or now - self.looked_at_all >= CHECK_S
        if not everything and not self.changed.is_set():
            return None
        self.changed.clear()
        with self._lock:
            reported, self._reported = self._reported, set()
        if everything:
            self.looked_at_all = now
            return Look(None)
        return Look(frozenset(reported))

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()


class Preview:
    """The site being previewed: the last good output on disk, and the problems of the last build."""

    def __init__(self, root: Path, out: Path, drafts: bool, log: Callable[[str], None], jobs: int = 1):
        self.root, self.out, self.drafts, self.log, self.jobs = root, out, drafts, log, jobs
        self.cache = BuildCache.restore(root, lastbuild.recorded(root), held=False, preview=out)
        self.result: BuildResult | None = None  # the last build's
        self.problems: list[Problem] = []
        self.built: dict[str, tuple[int, ...]] = {}
        self.written: frozenset[str] | None = None  # the files on disk, as the last good build wrote them
        self.saved: str | None = None  # the page whose file alone changed for the last build
        self.error_page = ErrorPage()
        self._config: tuple[tuple[int, ...] | None, SiteConfig | None] = (None, None)
        self._warned: tuple[list[Diagnostic], str] = ([], "")  # see ``_warnings``
        # After a build that made the saved page first (see ``rebuild``): the files it wrote, when
        # it ended, whether the page was asked for since, and when the last request was answered.
        self.pending: frozenset[str] | None = None
        self._pending_since = self._asked_at = 0.0
        self._asked = False

    @property
    def errors(self) -> list[str]:
        """The problems as the terminal shows them."""
        return [problem.diagnostic.format() for problem in self.problems]

    @collected_less_often()
    def rebuild(self, state: dict[str, tuple[int, ...]] | None = None, first: bool = False,
                rest: bool = False) -> bool:
        """Build what changed (``state``: the watched files' signatures, see ``changes``; taken now
        when not given); True when the pages on disk changed or errors appeared or went. A fault
        of the build itself is shown as its error, and the server goes on. With ``first`` (the
        server's), when one page was saved, only that page is made, which the browser is sent to;
        the rest of what changed is left ``pending``, for ``settle``: as Hugo's server renders first
        the pages a browser shows, since a title shows on lists and timelines that take seconds
        to make again at thousands of pages. ``rest``: that rest (see ``settle``), which says the
        warnings only when they differ from those said with the page."""
        start = time.perf_counter()
        before, had_errors = self.built, bool(self.problems)
        self.built = self.cache.files.taken = state if state is not None else inputs(self.root)
        self.saved = self._saved(before)
        # As the command line writes: the changed files moved in once all are made, when the folder
        # holds the last good build's; else a new folder swapped in. So the pages on disk stay whole
        # while a build runs or fails, and no page's bytes stay in memory: what did not change is
        # on disk already, and the store keeps the rest.
        held = self.written if self.out.is_dir() else None
        self.cache.held = self.cache.search_memo.held = held is not None
        ahead = {self.saved} if first and self.saved is not None and held is not None and not had_errors else None
        self.pending = None
        try:
            with Staging(self.out) if held is None else Update(self.out, held) as staging:
                result = self.result = build(self.root, drafts=self.drafts, jobs=self.jobs, cache=self.cache,
                                             output=staging, first=ahead)
                # What the build keeps (the site, its caches, the pages made) lives on: frozen, it is left
                # out of the cycle collector's passes during the next builds, which scanned it all again
                # (a fifth of a one-page rebuild at 10,000 pages). Kept data is plain records, without
                # reference cycles, so what later replaces it is still freed.
                gc.freeze()
                if result.ok:
                    if result.deferred and held is not None:
                        for path in held - set(staging):  # what the rest will make: as it was, meanwhile
                            staging[path] = UNCHANGED
                    staging.commit()
                    self.written = frozenset(staging)
            changed = sorted({*staging.changed, *staging.removed}) if isinstance(staging, Update) else list(staging)
        except Exception as exc:
            self.written = None  # the next build makes the folder whole again
            self.problems = [of_exception(exc, self.root)]
            self.log(self.problems[0].trace + self.errors[0] + "\nthe last good pages stay "
                     "on disk, and the browser shows this error; fix it and save")
            return True
        if not result.ok:
            self.problems = [of_diagnostic(d, self.root) for d in result.diagnostics.sorted()]
            self.log("\n".join(self.errors) + "\nthe last good pages stay on disk, and the browser shows these "
                     "errors; fix the file and save")
            return True
        self.problems = []
        if result.deferred:
            self.pending = frozenset(changed)
            self._pending_since, self._asked = time.monotonic(), False
        made = f"{self.saved} made first" if result.deferred else "the rest made" if rest else "rebuilt"
        self.log(self._warnings(result.diagnostics, rest) + f"{made} in {time.perf_counter() - start:.2f}"
                 f" s: {len(changed)} file(s) changed; {result.diagnostics.counts()}")
        return bool(changed) or had_errors

    def settle(self) -> bool:
        """Make the rest of what the last build left ``pending``; whether the pages on disk changed."""
        return self.pending is not None and self.rebuild(self.built, rest=True)

    def ready(self, path: str) -> None:
        """Before the address ``path`` is answered: the rest is made first, unless the address is a
        file the build that made the saved page first wrote, or under static/ (assets and figures,
        which a page's save leaves as they are): no address answers with a page made before."""
        self._asked_at = time.monotonic()
        if self.pending is None:
            return
        relative = path.strip("/")
        asked = {relative, f"{relative}/index.html".lstrip("/")}
        if asked & self.pending:
            self._asked = True
        elif not relative.startswith("static/"):
            self.settle()

    def due(self, now: float) -> bool:
        """Whether to make the rest now: the browser has had the page saved and gone quiet, or did
        not ask for it."""
        if self.pending is None:
            return False
        return now - self._asked_at >= QUIET_S and (self._asked or now - self._pending_since >= UNASKED_S)

    def _warnings(self, diagnostics: Diagnostics, rest: bool = False) -> str:
        """The build's warnings (the conversion lint's) as ``check`` says them, a line each: sorted
        again only when they changed, as most edits leave them (tens of thousands, at 10,000
        pages, compared in a thousandth of the time). The ``rest`` of a save says them only when
        they differ from those said with the page (the lint of the other pages was left to it)."""
        if diagnostics.items != self._warned[0]:
            self._warned = (list(diagnostics.items), "".join(d.format() + "\n" for d in diagnostics.sorted()))
        elif rest:
            return ""
        return self._warned[1]

    def changes(self, paths: Collection[str] | None = None) -> dict[str, tuple[int, ...]] | None:
        """The watched files' signatures now, when they differ from the last build's; else None.
        ``paths``: only these were reported changed (see ``Watch``); None: look at every file."""
        state = inputs(self.root) if paths is None else relooked(self.root, self.built, paths)
        return state if state != self.built else None

    def _saved(self, before: dict[str, tuple[int, ...]]) -> str | None:
        """The id of the page whose file is the one page file changed since ``before``, if one is
        (an editor's hidden files beside it, as Emacs's lock file .#name.md, are not pages)."""
        content = self.root / "content"
        pages: set[str] = set()
        for path, mark in self.built.items():  # until a second page: the first build changes them all
            if before.get(path) != mark and path.endswith(".md") and Path(path).is_relative_to(content):
                relative = Path(path).relative_to(content)
                if not any(part.startswith(".") for part in relative.parts):
                    pages.add(page_id(relative))
                    if len(pages) > 1:
                        return None
        return pages.pop() if pages else None

    def config(self) -> SiteConfig | None:
        """site.yaml as last read, read again when it changed; while it has errors, the last good one."""
        stamp = self.built.get(str(self.root / "site.yaml"))
        if self._config[1] is None or stamp != self._config[0]:
            try:
                read = load_config(self.root, Diagnostics(self.root))
            except Exception:  # its errors are the build's to report: here only the variants are wanted
                read = None
            self._config = (stamp, read or self._config[1])
        return self._config[1]

    def reload_path(self) -> str:
        """What the reload message names: the saved page's address in each script and its neutral
        one (the browser goes there), or '*' (the browser reloads what it shows)."""
        config = self.config()
        if self.saved is None or config is None:
            return "*"
        addresses = {v.code: "/" + urls.page_dir(v.code, self.saved) for v in config.variants}
        if not self.problems and f"{addresses[config.variants[0].code][1:]}index.html" not in (self.written or {}):
            return "*"  # not a page of the site: a draft, say
        addresses[""] = "/" + urls.neutral_dir(self.saved)
        return NAVIGATE + json.dumps(addresses, ensure_ascii=False, separators=(",", ":"))

    def failure(self, path: str) -> bytes | None:
        """The error page for the address ``path`` while the site cannot be built, in the script
        of the variant the address is under (else the first); None when the site is built."""
        if not self.problems:
            return None
        config = self.config()
        variants = config.variants if config is not None else ()
        segment = path.strip("/").split("/", 1)[0]
        variant = next((v for v in variants if v.code == segment), variants[0] if variants else None)
        return self.error_page.render(self.problems, variant)


def serve(root: Path, address: str, port: int, drafts: bool, open_browser: bool = False, verbose: bool = False,
          jobs: int = 1) -> int:
    """Serve until Ctrl-C: 0; 2 when the port cannot be had."""
    try:
        sockets = netutil.bind_sockets(port, address=address)
    except OSError as exc:
        print(f"{program()}: error: {_unavailable(address, port, exc)}", file=sys.stderr)
        return 2
    url = _url(address, sockets[0].getsockname()[1])
    out = root / ".cache" / "serve"
    out.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if verbose:
        log.enable_pretty_logging()  # each request, each browser connected and reloaded
    preview = Preview(root, out, drafts, say, jobs)
    preview.rebuild()
    watch = Watch(root)

    def poll() -> None:
        look = watch.due(time.monotonic())
        state = preview.changes(look.paths) if look is not None else None
        if state is not None and (preview.rebuild(state, first=True) or preview.saved is not None):
            LiveReloadHandler.reload_waiters(preview.reload_path())
        elif preview.due(time.monotonic()):
            preview.settle()

    async def run() -> None:
        LiveReloadHandler.watcher = Watcher()  # livereload's reload message reads it; it watches nothing
        HTTPServer(host.application(out, preview.failure, verbose, preview.ready)).add_sockets(sockets)
        ioloop.PeriodicCallback(poll, POLL_MS).start()
        say(f"serving {url} (Ctrl-C stops)")
        if open_browser:  # in a thread: a browser in the terminal runs until it is closed
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        await asyncio.Event().wait()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    finally:
        watch.stop()
    say("stopped")
    return 0


def _unavailable(address: str, port: int, exc: OSError) -> str:
    """Why the port cannot be had, in one line, with a free one to try."""
    if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
        return f"cannot serve on {address} port {port}: {exc.strerror or exc}"
    why = ("is in use: another preview, or another server, has it" if exc.errno == errno.EADDRINUSE
           else "is reserved for the administrator")
    free = _free_port(address, port)
    suggestion = f"--port {free} is free" if free is not None else "--port 0 picks a free port"
    return f"port {port} on {address} {why}; {suggestion}"


def _free_port(address: str, busy: int) -> int | None:
    """The first port after ``busy`` that can be had now, of the next ``PORTS_TRIED``."""
    first = max(busy + 1, 1024)  # ports below are the administrator's
    for port in range(first, min(first + PORTS_TRIED, 65536)):
        try:
            taken: list[socket] = netutil.bind_sockets(port, address=address)
        except OSError:
            continue
        for sock in taken:
            sock.close()
        return port
    return None


def _url(address: str, port: int) -> str:
    """The address to open: a wildcard address is opened on this computer."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(address, address)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
