"""The output folder served as a static host serves it, with what the preview adds.

Folders answer with their index.html (a folder named without its slash is redirected to it), a
missing file with the site's 404.html; HEAD is answered as GET without the body; nothing outside
the folder is ever read. While the site cannot be built, every address that would answer with a
page answers with the error page instead (HTTP 500), never with the last good page. Every HTML
page gets livereload's script, and navigate.js (beside this module), which takes the browser to
the page an editor saves.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web

#: Longer request targets are refused (414), as common servers do (nginx's default is 8 KB).
MAX_URL = 8 * 1024
#: Where the preview's own script is served from: a name the site's own files do not take.
OWN = "/.docsite-preview/"
SCRIPTS = f'<script src="/livereload.js" defer></script><script src="{OWN}navigate.js" defer></script>'.encode()

#: The error page for an address while the site cannot be built, else None.
Failure = Callable[[str], bytes | None]
#: Told of each address before it is answered, so that what answers it is up to date.
Ready = Callable[[str], None]


def application(out: Path, failure: Failure, verbose: bool, ready: Ready) -> web.Application:
    """The preview's web application: livereload's socket and script, and the output, each address
    answered once ``ready`` is done with it; each request logged only when ``verbose``."""
    quiet: dict[str, Any] = {} if verbose else {"log_function": lambda handler: None}
    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload\.js", LiveReloadJSHandler),
        (OWN.replace(".", r"\.") + r"(navigate\.js)", web.StaticFileHandler, {"path": str(Path(__file__).parent)}),
        (r".*", Output, {"out": out, "failure": failure, "ready": ready}),
    ], **quiet)


class Output(web.RequestHandler):
    """A request for a file of the output folder."""

    def initialize(self, out: Path, failure: Failure, ready: Ready) -> None:
        self.out, self.failure, self.ready = out.resolve(), failure, ready

    def head(self) -> None:
        self.get()  # tornado sends the headers of a HEAD response, Content-Length included, and no body

    def get(self) -> None:
        if len(self.request.uri or "") > MAX_URL:
            self._answer(414, "text/plain", b"URI too long\n")
            return
        try:
            path = unquote(self.request.path, errors="strict")
        except UnicodeDecodeError:  # percent-encoded bytes that are not UTF-8
            self._answer(400, "text/plain", b"bad request\n")
            return
        parts = [p for p in path.split("/") if p not in ("", ".")]
        target = self._inside(parts)
        if target is None:
            self._answer(403, "text/plain", b"forbidden\n")
            return
        self.ready(path)
        try:
            folder = target.is_dir()
            if folder:
                target = target / "index.html"
            found = target.is_file()
        except OSError:  # a name too long for the file system, and the like: no such file
            folder = found = False
        kind = _kind(target.name) if found else "text/html"
        page = self.failure(path)
        if page is not None and kind == "text/html":
            self._answer(500, kind, page)
        elif folder and not path.endswith("/"):
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect("/" + "/".join(quote(p) for p in parts) + "/" + query, permanent=True)
        elif found:
            self._answer(200, kind, target.read_bytes())
        else:
            missing = self.out / "404.html"
            self._answer(404, "text/html", missing.read_bytes() if missing.is_file() else b"not found\n")

    def _inside(self, parts: list[str]) -> Path | None:
        """The file ``parts`` names in the output, or None when it would leave the output folder."""
        if ".." in parts or any("\\" in p or "\0" in p for p in parts):
            return None
        target = self.out.joinpath(*parts)
        real = Path(os.path.realpath(target))
        return target if real == self.out or real.is_relative_to(self.out) else None

    def _answer(self, status: int, kind: str, body: bytes) -> None:
        if kind == "text/html":
            head = body.find(b"</head>")
            body = body[:head] + SCRIPTS + body[head:] if head >= 0 else body + SCRIPTS
        if kind.startswith("text/") or kind in ("application/json", "application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


def _kind(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
