"""``build.py serve``: build, serve the output as a static host would, rebuild on change, reload.

The livereload package serves the pages and talks to the browser (its script, its websocket).
Its own file watcher is not used: it ignores any change within three seconds of a reload and
polls slowly, so quick successive saves were lost (the failure that made MkDocs drop it,
mkdocs#2385). Here a poll every 100 ms looks at the sources when the file system has reported a
change (``Watch``: at the files it names) and starts a rebuild whenever they differ from what was
last built, and every finished rebuild sends one reload: a burst of saves gives at most a reload
per rebuild, and the last save is always shown.
"""

from __future__ import annotations

import gc
import html
import mimetypes
import os
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote
from wsgiref.types import StartResponse, WSGIEnvironment

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import ioloop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import BuildResult, build
from docsite.stages.load import INPUTS, inputs, relooked
from docsite.stages.write import write_changes

POLL_MS = 100
#: Seconds between looks at every watched file when the file system has reported nothing.
CHECK_S = 5.0


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
    """The site being previewed: the last good output on disk, and the errors of the last build."""

    def __init__(self, root: Path, out: Path, drafts: bool, log: Callable[[str], None]):
        self.root, self.out, self.drafts, self.log = root, out, drafts, log
        self.cache = BuildCache(stored=True, memory=True)
        self.result: BuildResult | None = None  # the last build's
        self.errors: list[str] = []
        self.built: dict[str, tuple[int, ...]] = {}
        self.written: Mapping[str, bytes] | None = None  # the output on disk, once written
        self.builds = 0

    def rebuild(self, state: dict[str, tuple[int, ...]] | None = None) -> bool:
        """Build what changed (``state``: the watched files' signatures, see ``changes``; taken now
        when not given); True when the pages on disk changed or errors appeared or went."""
        start = time.perf_counter()
        self.built = self.cache.files.taken = state if state is not None else inputs(self.root)
        result = self.result = build(self.root, drafts=self.drafts, cache=self.cache)
        # What the build keeps (the site, its caches, the pages made) lives on: frozen, it is left
        # out of the cycle collector's passes during the next builds, which scanned it all again
        # (a fifth of a one-page rebuild at 10,000 pages). Kept data is plain records, without
        # reference cycles, so what later replaces it is still freed.
        gc.freeze()
        self.builds += 1
        had_errors = bool(self.errors)
        if not result.ok:
            self.errors = [d.format() for d in result.diagnostics.sorted()]
            self.log("\n".join(self.errors) + "\nthe last good pages stay; fix the file and save")
            return True
        self.errors = []
        changed = write_changes(self.out, result.files, self.written)
        self.written = result.files
        said = [d.format() for d in result.diagnostics.sorted()]  # the conversion lint's warnings, as check says them
        self.log("\n".join([*said, f"rebuilt in {time.perf_counter() - start:.2f} s: {len(changed)} file(s) changed; "
                            f"{result.diagnostics.counts()}"]))
        return bool(changed) or had_errors

    def changes(self, paths: Collection[str] | None = None) -> dict[str, tuple[int, ...]] | None:
        """The watched files' signatures now, when they differ from the last build's; else None.
        ``paths``: only these were reported changed (see ``Watch``); None: look at every file."""
        state = inputs(self.root) if paths is None else relooked(self.root, self.built, paths)
        return state if state != self.built else None

    # -- a WSGI app that serves the output exactly as a static host would ------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = unquote(environ.get("PATH_INFO", "/"))
        if self.errors and path.endswith(("/", ".html")):
            return self._respond(start_response, "500 Content Error", "text/html; charset=utf-8",
                                 self._error_page())
        target = self._resolve(path)
        if target is None:
            return self._respond(start_response, "403 Forbidden", "text/plain; charset=utf-8", b"forbidden\n")
        if target.is_dir():
            if not path.endswith("/"):
                start_response("301 Moved Permanently", [("Location", path + "/")])
                return [b""]
            target = target / "index.html"
        if not target.is_file():
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"not found\n"
            return self._respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _resolve(self, path: str) -> Path | None:
        """The file a URL path names, or None when it would leave the output folder."""
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if ".." in parts or any("\\" in p or "\0" in p for p in parts):
            return None
        target = self.out.joinpath(*parts)
        real = Path(os.path.realpath(target))
        return target if real == self.out.resolve() or real.is_relative_to(self.out.resolve()) else None

    def _error_page(self) -> bytes:
        items = "\n".join(f"<li><pre>{html.escape(e)}</pre></li>" for e in self.errors)
        return (
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Content error</title>"
            "<style>body{font:1rem/1.6 sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
            "pre{white-space:pre-wrap;background:#fff4f2;border-left:4px solid #9b2c1f;padding:.5rem 1rem}"
            "li{list-style:none}</style></head><body><h1>The site could not be built</h1>"
            "<p>Fix the file named below and save: this page reloads by itself. "
            "The last good pages are kept until then.</p>"
            f"<ol>{items}</ol></body></html>"
        ).encode()

    @staticmethod
    def _respond(start_response: StartResponse, status: str, kind: str, body: bytes) -> list[bytes]:
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]


class _NoWatcher(Watcher):
    """livereload's watcher, switched off: Preview's poll decides when to rebuild and reload."""

    def examine(self) -> tuple[str | None, float | str | None]:
        return None, None

    def start(self, callback: Callable[[], object]) -> bool:
        return True


def serve(root: Path, host: str, port: int, drafts: bool) -> int:
    out = root / ".cache" / "serve"
    out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    preview = Preview(root, out, drafts, log)
    preview.rebuild()

    watch = Watch(root)

    def poll() -> None:
        look = watch.due(time.monotonic())
        state = preview.changes(look.paths) if look is not None else None
        if state is not None and preview.rebuild(state):
            LiveReloadHandler.reload_waiters()

    server = Server(app=preview, watcher=_NoWatcher())
    server.watcher.watch(str(root / "site.yaml"))  # a task, so livereload does not watch the whole folder
    ioloop.PeriodicCallback(poll, POLL_MS).start()
    log(f"serving http://{host}:{port}/ (Ctrl-C stops)")
    try:
        server.serve(host=host, port=port, debug=False, restart_delay=0)
    finally:
        watch.stop()
    log("stopped")
    return 0
