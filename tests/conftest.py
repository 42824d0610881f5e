"""Shared fixtures: the real site built once (and served, and opened in Chromium), and throwaway sites
for bad-input tests."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import settings
from playwright.sync_api import Browser, Page, sync_playwright

from docsite.incremental.signatures import signatures
from docsite.pipeline import build
from docsite.stages import search
from docsite.stages.write import Staging

ROOT = Path(__file__).resolve().parent.parent

# Property tests check behaviour, not speed: a first example that loads OpenCC's dictionaries, or a
# busy machine, must not fail them (speed is measured in benchmarks/).
settings.register_profile("docsite", deadline=None)
settings.load_profile("docsite")
PREFIX = "/treaty-1950/"
SEARCH_PIECE_BYTES = 8 * 1024

# Tests send Ctrl-C to builds and servers they start (and raise it here): a shell ignores it for a
# command it runs in the background (`pytest &` in a script), and what that command starts would
# ignore it too.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run build.py as an editor would, from the site's folder."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "_site"
    built_into(out, ROOT)
    return out


def built_into(out: Path, root: Path, base_url: str | None = None) -> None:
    """The site of ``root`` built into ``out`` as the command line builds it."""
    with Staging(out) as staging:
        result = build(root, base_url=base_url, output=staging)
        assert result.ok, "\n".join(d.format() for d in result.diagnostics.items)
        staging.commit()


def on_disk(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (an output folder), by its path from there, with its bytes."""
    return {path[len(str(folder)) + 1:]: Path(path).read_bytes() for path in signatures(folder)}


class MiniSite:
    """A small site with the project's site.yaml and templates, and content written by a test."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copy(ROOT / "site.yaml", root / "site.yaml")
        shutil.copytree(ROOT / "templates", root / "templates")
        shutil.copytree(ROOT / "static", root / "static")
        self.write("index.md", "---\ntitle: 首页\n---\n欢迎。\n")
        self.write("sources.yaml", "shen1999:\n  type: book\n  author: 沈志华\n  title: 中苏同盟与朝鲜战争研究\n"
                   "  place: 桂林\n  publisher: 广西师范大学出版社\n  year: 1999\n")

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def add_type(self, name: str, **spec: str) -> None:
        """Declare one more page type in the site's site.yaml."""
        config = yaml.safe_load((self.root / "site.yaml").read_text(encoding="utf-8"))
        config["types"][name] = spec
        (self.root / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    def build(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=self.root)

    def page(self, variant: str, pid: str) -> BeautifulSoup:
        folder = self.root / "_site" / variant
        return soup(folder / ("index.html" if pid == "index" else f"{pid}/index.html"))


@pytest.fixture
def mini(tmp_path: Path) -> MiniSite:
    return MiniSite(tmp_path)


# -- the site served under a subpath, and a real browser ------------------------------------------


class SubpathHandler(SimpleHTTPRequestHandler):
    """Serves the folder under PREFIX only, never lists folders, and answers 404 with 404.html."""

    def send_head(self):  # type: ignore[no-untyped-def]
        if not urlsplit(self.path).path.startswith(PREFIX):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + urlsplit(path).path.removeprefix(PREFIX))

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Published:
    folder: Path
    root: str  # http://127.0.0.1:PORT/treaty-1950/

    def url(self, path: str) -> str:
        return self.root + path


def listed_pieces(listing: str) -> list[str]:
    """The pieces of a search index that its listing script (search/pieces.js) names, as paths from
    its folder: each key piece, each page's record, the folding table, the pinyin."""
    match = re.fullmatch(r"self\.searchPieces=(\{.*\});\n", listing)
    assert match, listing
    data = json.loads(match.group(1))

    def names(joined: str) -> list[str]:
        return [joined[i:i + 7] for i in range(0, len(joined), 7)]

    pieces = [f"index/t{name}.js" for name in dict.fromkeys(names(data["t"]))]
    pieces += [f"index/d{group}-{n}.js" for group, size in zip(names(data["g"]), data["n"], strict=True)
               for n in range(size)]
    return [*pieces, f"index/f{data['fold']}.js", *(f"index/y{name}.js" for name in names(data["py"]))]


def publish_site(tmp_path_factory: pytest.TempPathFactory, with_host: bool) -> Iterator[Published]:
    """The shipped site built and served under PREFIX on 127.0.0.1, as GitHub Pages serves a project site."""
    folder = tmp_path_factory.mktemp("published") / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubpathHandler, directory=str(folder)))
    root = f"http://127.0.0.1:{server.server_port}{PREFIX}"
    # Small pieces of the search index, so that searching in the browser tests joins several (the
    # shipped site's index is otherwise one piece a tree).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PIECE_BYTES", SEARCH_PIECE_BYTES)
        built_into(folder, ROOT, base_url=root if with_host else "/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Published(folder, root)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Built with base_url = the server's own URL: absolute canonical links, sitemap.xml."""
    yield from publish_site(tmp_path_factory, with_host=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium; .ci/run installs it, and a missing browser fails here instead of skipping.
    One per module: Playwright's sync API keeps an event loop running while it is open, and
    test_serve.py needs asyncio.run."""
    executable = shutil.which("chromium")
    assert executable, "chromium is not installed (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


def open_page(browser: Browser, url: str, locale: str = "zh-CN", javascript: bool = True, **context: object) -> Page:
    """``url`` loaded in a new context (its own storage); ``context``: more of Playwright's options
    (viewport, color_scheme, reduced_motion ...). The pages' Content-Security-Policy is set aside,
    as Playwright's own waiting evaluates the tests' expressions (test_headers.py runs the pages
    with it, in contexts of its own)."""
    context.setdefault("bypass_csp", True)
    page = browser.new_context(locale=locale, java_script_enabled=javascript, **context).new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return page


Visit = Callable[..., Page]


@pytest.fixture
def visit(browser: Browser, published: Published) -> Iterator[Visit]:
    """Open a path of the published site in a fresh context (its own storage), closed after the test."""
    pages: list[Page] = []

    def go(path: str, **context: object) -> Page:
        pages.append(open_page(browser, published.url(path), **context))
        return pages[-1]

    yield go
    for page in pages:
        page.context.close()
