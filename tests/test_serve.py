"""`build.py serve`: the preview server an editor keeps open while writing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, MiniSite, soup
from PIL import Image
from tornado.websocket import websocket_connect

from docsite.commands.serve import CHECK_S, Look, Preview, Watch
from docsite.incremental.buildcache import BuildCache
from docsite.incremental.signatures import inputs, relooked
from docsite.pipeline import build
from docsite.stages import exports, resolve, search, views, write

PAGE = "---\ntitle: 周恩来\n---\n{body}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


class Running:
    def __init__(self, mini: MiniSite, port: int, process: subprocess.Popen[str]):
        self.mini, self.port, self.process = mini, port, process
        self.base = f"http://127.0.0.1:{port}"
        self.after_reload: object = None

    def page(self, path: str) -> tuple[int, str]:
        return fetch(self.base + path)

    def reloads_while(self, action, settle: float = 3.0, then: Callable[[], object] | None = None) -> list[float]:
        """Run ``action`` while connected as a browser; the times of the reload messages received.
        ``then`` runs when the first arrives, as the browser's requests would (its result in
        ``after_reload``)."""
        async def listen() -> list[float]:
            ws = await websocket_connect(f"ws://127.0.0.1:{self.port}/livereload")
            ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
            await ws.read_message()
            ws.write_message(json.dumps({"command": "info", "url": self.base + "/"}))
            await asyncio.sleep(0.3)
            received: list[float] = []

            async def collect() -> None:
                while True:
                    message = await ws.read_message()
                    if message is None:
                        return
                    if json.loads(message).get("command") == "reload":
                        received.append(time.monotonic())
                        if then is not None and len(received) == 1:
                            self.after_reload = await asyncio.get_running_loop().run_in_executor(None, then)

            task = asyncio.ensure_future(collect())
            await asyncio.get_running_loop().run_in_executor(None, action)
            await asyncio.sleep(settle)
            task.cancel()
            ws.close()
            return received

        # In a thread of its own: Playwright's browser tests may keep an event loop running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, listen()).result()


@pytest.fixture
def server(mini: MiniSite) -> Iterator[Running]:
    mini.write("people/zhou-enlai.md", PAGE.format(body="第一版。"))
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], cwd=mini.root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    running = Running(mini, port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if running.page("/zh-hans/")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not start: " + process.communicate()[0])
    yield running
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serves_the_site_with_the_reload_script(server: Running) -> None:
    status, text = server.page("/zh-hant/people/zhou-enlai/")
    assert status == 200 and "周恩來" in text and "livereload.js" in text
    assert server.page("/zh-hant/people/zhou-enlai")[0] == 200  # redirected to the folder, as hosts do
    status, _ = server.page("/zh-hant/no-such-page/")
    assert status == 404


@pytest.mark.parametrize("path", ["/zh-hant/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/..%2f..%2fetc/passwd"])
def test_refuses_paths_outside_the_output(server: Running, path: str) -> None:
    request = urllib.request.Request(server.base + path)
    conn = socket.create_connection(("127.0.0.1", server.port))
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    reply = b""
    while chunk := conn.recv(4096):
        reply += chunk
    conn.close()
    status = int(reply.split(b" ", 2)[1])
    assert status in (403, 404) and b"root:" not in reply, request.full_url


def test_an_edit_is_rebuilt_and_reloaded(server: Running) -> None:
    def edit() -> None:
        server.mini.write("people/zhou-enlai.md", PAGE.format(body="第二版。"))

    reloads = server.reloads_while(edit)
    assert len(reloads) == 1
    assert "第二版" in server.page("/zh-hans/people/zhou-enlai/")[1]


def test_after_a_save_no_address_answers_with_a_page_made_before(server: Running) -> None:
    """The page saved is made first and the browser sent to it; the list of people, which shows its
    title, is made before it answers, even when asked at once: never as it was before the save."""
    def retitle() -> None:
        server.mini.write("people/zhou-enlai.md", PAGE.replace("周恩来", "周恩来总理").format(body="第一版。"))

    def ask() -> list[tuple[int, str]]:
        return [server.page("/zh-hans/people/"), server.page("/zh-hans/people/zhou-enlai/")]

    assert len(server.reloads_while(retitle, then=ask)) == 1
    (listed, listing), (shown, page) = server.after_reload  # type: ignore[misc]
    assert (listed, shown) == (200, 200)
    names = {a.get_text(strip=True) for a in BeautifulSoup(listing, "html.parser").find_all("a", href=True)}
    assert "周恩来总理" in names and "周恩来" not in names
    assert BeautifulSoup(page, "html.parser").h1.get_text(strip=True) == "周恩来总理"


def test_the_rest_of_a_save_is_made_unasked(server: Running) -> None:
    """What else the save changed is made once the browser has gone quiet, or no browser asked for
    the page saved: here no address is asked for, and the list on disk shows the new title."""
    def retitle() -> None:
        server.mini.write("people/zhou-enlai.md", PAGE.replace("周恩来", "周恩来总理").format(body="第一版。"))

    assert len(server.reloads_while(retitle)) == 1
    listing = soup(server.mini.root / ".cache/serve/zh-hans/people/index.html")
    assert "周恩来总理" in {a.get_text(strip=True) for a in listing.find_all("a", href=True)}


def test_many_quick_edits_end_with_the_last_one_shown(server: Running) -> None:
    def burst() -> None:
        for i in range(20):
            server.mini.write("people/zhou-enlai.md", PAGE.format(body=f"第{i}次修改。"))
            time.sleep(0.03)

    reloads = server.reloads_while(burst)
    assert 1 <= len(reloads) <= 20
    assert "第19次修改" in server.page("/zh-hans/people/zhou-enlai/")[1]


def test_a_content_error_shows_in_the_browser_until_fixed(server: Running) -> None:
    reloads = server.reloads_while(lambda: server.mini.write("people/zhou-enlai.md", "---\ntitle: [\n---\n"))
    assert len(reloads) == 1
    status, text = server.page("/zh-hant/people/zhou-enlai/")
    assert status == 500
    assert re.search(r"content/people/zhou-enlai\.md:2:\d+: error: invalid YAML", text) and "livereload.js" in text
    assert server.process.poll() is None
    reloads = server.reloads_while(lambda: server.mini.write("people/zhou-enlai.md", PAGE.format(body="修好了。")))
    assert len(reloads) == 1
    assert "修好了" in server.page("/zh-hant/people/zhou-enlai/")[1]


def test_stops_cleanly_on_ctrl_c(server: Running) -> None:
    server.process.send_signal(signal.SIGINT)
    output, _ = server.process.communicate(timeout=10)
    assert server.process.returncode == 0
    assert "Traceback" not in output and "stopped" in output


def _rendered(mini: MiniSite, cache: BuildCache) -> set[str]:
    result = build(mini.root, cache=cache)
    assert result.ok, [d.format() for d in result.diagnostics.items]
    return {path.removesuffix("index.html") for path in result.work.rendered}


def test_a_rebuild_renders_only_what_the_change_affects(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙认识[[people/a]]。\n")
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    # An event from the start: the first one puts the site timeline in every page's navigation.
    mini.write("events/founding.md", "---\ntitle: 建国\ndate: 1949-10\nrelated: [people/b]\n---\n")
    cache = BuildCache(memory=True)
    cold = _rendered(mini, cache)
    folders = ("", "people/", "people/a/", "people/b/", "people/c/")
    assert {f"{v}/{p}" for v in ("zh-hans", "zh-hant") for p in folders} <= cold
    assert _rendered(mini, cache) == set()
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平，修改过。\n")
    assert _rendered(mini, cache) == {"zh-hans/people/a/", "zh-hant/people/a/"}  # and a piece of the index
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲的生平，修改过。\n")  # its title shows elsewhere too
    changed = _rendered(mini, cache)
    assert {"zh-hant/people/a/", "zh-hant/people/b/", "zh-hant/people/"} <= changed
    assert "zh-hant/people/c/" not in changed
    assert "people/a/" in changed and "people/c/" not in changed  # the script-neutral addresses
    mini.write("events/meeting.md", "---\ntitle: 会面\ndate: 1950-02\nrelated: [people/c]\n---\n")
    changed = _rendered(mini, cache)
    assert {"zh-hant/people/c/", "zh-hant/events/meeting/", "zh-hant/timeline/"} <= changed
    assert "zh-hant/people/a/" not in changed


def test_a_rebuild_asks_only_the_edited_page_for_the_texts_every_page_shows(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The titles and summaries that many pages show are converted before the pages are made;
    after an edit, only the edited page is asked for them (its title, then shown everywhere)."""
    for name in "abcdef":
        mini.write(f"people/{name}.md", f"---\ntitle: 人物{name}\nsummary: 关于{name}的简介\n---\n见[[people/a]]。\n")
    asked: list[str] = []
    shown = views._shown
    monkeypatch.setattr(views, "_shown", lambda page: asked.append(page.id) or shown(page))
    cache = BuildCache(memory=True)
    assert build(mini.root, cache=cache).ok
    assert {f"people/{name}" for name in "abcdef"} <= set(asked)
    assert all(asked.count(pid) == 2 for pid in asked)  # every page, in both scripts
    asked.clear()
    mini.write("people/a.md", "---\ntitle: 人物甲后来\nsummary: 关于a的简介\n---\n见[[people/a]]。\n")
    result = build(mini.root, cache=cache)
    assert asked == ["people/a", "people/a"]
    page = _text_of(result.files["zh-hant/people/f/index.html"])
    assert "人物甲後來" in page and "人物甲後來" in _text_of(build(mini.root).files["zh-hant/people/f/index.html"])


def _text_of(html: bytes) -> str:
    """The text a reader reads in a page, its tags left out."""
    return re.sub(r"<[^>]+>", "", html.decode())


def test_every_rebuild_says_the_warnings_as_check_does(mini: MiniSite) -> None:
    """The preview's terminal shows the conversion lint's warnings after every rebuild, those that
    an edit leaves as they were too, in the order and words of ``check``."""
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n\n双方并为此目的而努力。\n")
    said: list[str] = []
    preview = Preview(mini.root, mini.root / "_site", False, said.append)

    def warnings() -> list[str]:
        return [line for line in said[-1].splitlines() if ": warning: " in line]

    def checked() -> list[str]:
        return [line for line in mini.build("check").stderr.splitlines() if ": warning: " in line]

    preview.rebuild()
    assert warnings() == checked() and len(warnings()) == 1
    mini.write("topics/b.md", "---\ntitle: 乙\n---\n\n乙方并为此目的而努力。\n")
    preview.rebuild()
    assert warnings() == checked() and len(warnings()) == 2
    mini.write("topics/b.md", "---\ntitle: 乙\n---\n\n乙方并为此目的而努力，后来。\n")  # the same warnings
    preview.rebuild()
    assert warnings() == checked() and len(warnings()) == 2
    assert said[-1].endswith("0 errors, 2 warnings")
    mini.write("topics/b.md", "---\ntitle: 乙方\n---\n\n乙方并为此目的而努力，后来。\n")  # made first, then the rest
    preview.rebuild(first=True)
    assert warnings() == checked() and len(warnings()) == 2
    preview.settle()
    assert warnings() == [] and said[-1].startswith("the rest made in ")  # said once a save


def test_the_rest_of_a_save_says_the_warnings_the_save_gave_other_pages(mini: MiniSite) -> None:
    """A title saved that became a name at risk is looked for in the other pages with the rest of
    the save, not before the page saved is shown; the rest then says the warnings, as ``check``."""
    mini.write("people/w.md", "---\ntitle: 王某\n---\n王某。\n")
    mini.write("topics/c.md", "---\ntitle: 丙\n---\n\n王世杰说。\n")
    said: list[str] = []
    preview = Preview(mini.root, mini.root / "_site", False, said.append)
    preview.rebuild()
    assert [line for line in said[-1].splitlines() if ": warning: " in line] == []
    mini.write("people/w.md", "---\ntitle: 王世-{杰}-\n---\n王某。\n")
    preview.rebuild(first=True)
    assert preview.pending is not None and said[-1].startswith("people/w made first in ")
    preview.settle()
    assert said[-1].endswith("0 errors, 1 warning")
    warned = [line for line in said[-1].splitlines() if ": warning: " in line]
    assert warned == [line for line in mini.build("check").stderr.splitlines() if ": warning: " in line]
    assert [line.split(" in ")[0] for line in warned] == [
        "content/topics/c.md:5:1: warning: the name '王世杰' becomes '王世傑'"]


def test_a_body_edit_makes_one_group_of_records_again(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index, its groups of page records and the search page's list are kept while what they were
    made from is the same; a body edit makes pieces of the index again, and one group of records, in each script."""
    monkeypatch.setattr(search, "PIECE_BYTES", 6 * 1024)
    for i in range(40):
        mini.write(f"topics/t{i:02}.md", f"---\ntitle: 专题{i}\n---\n" + f"第{i}篇：中苏两国签订条约。" * 12 + "\n")
    preview = Preview(mini.root, mini.root / "_site", drafts=False, log=lambda message: None)
    preview.rebuild()
    made: list[tuple] = []
    def spied(kept: Callable[..., object]) -> Callable[..., object]:
        return lambda memo, key, make: kept(memo, key, lambda: made.append(key) or make())

    for method in ("get", "scripts"):  # what is made again, of any value, or of scripts under a name
        monkeypatch.setattr(search.Memo, method, spied(getattr(search.Memo, method)))
    preview.rebuild()
    assert made == []
    mini.write("topics/t12.md", "---\ntitle: 专题12\n---\n改写过的正文。\n")
    preview.rebuild()
    records = [key for key in made if len(key) == 3]  # (types, addresses, entries): a group of records
    pieces = [key for key in made if key[0] == "piece"]  # which ones: tests/test_search_incremental.py
    assert len(made) == 2 + len(pieces) and len(records) == 2 and all(len(key[1]) < 40 for key in records)


def _on_disk(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_the_preview_writes_only_what_changed(mini: MiniSite) -> None:
    """After each rebuild the folder holds exactly a fresh build's files; an edit rewrites the files
    that changed and no other, a removed page's files go, and a deleted folder is written again."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)

    def rebuilt() -> dict[str, tuple[bytes, int]]:
        preview.rebuild()
        disk = _on_disk(out)
        assert {path: data for path, (data, _) in disk.items()} == dict(build(mini.root).files)
        return disk

    before = rebuilt()
    time.sleep(0.01)
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平，修改过。\n")
    after = rebuilt()
    touched = {path for path in after if before.get(path, (b"", 0))[1] != after[path][1]}
    pieces = {path for path in after.keys() - before.keys() if "/search/index/" in path}
    assert touched == {"zh-hans/people/a/index.html", "zh-hant/people/a/index.html", "zh-hans/search/pieces.js",
                       "zh-hant/search/pieces.js"} | pieces and pieces
    (mini.root / "content/people/b.md").unlink()
    assert "zh-hant/people/b/index.html" not in rebuilt()
    shutil.rmtree(out)
    assert rebuilt()


def test_the_preview_parses_again_only_files_that_changed(mini: MiniSite) -> None:
    """Unchanged files are not read again; a change is seen even when it keeps the file's size and
    modification time (a tool that restores the time), since the change time moves."""
    def parsed() -> list[str]:
        assert preview.result is not None
        return preview.result.work.parsed

    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)
    preview.rebuild()
    assert {"people/a", "people/b", "index"} <= set(parsed())
    preview.rebuild()
    assert parsed() == []
    page = mini.root / "content/people/a.md"
    before = page.stat()
    page.write_text("---\ntitle: 甲\n---\n甲的生涯。\n", encoding="utf-8")  # as many bytes as before
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size and page.stat().st_mtime_ns == before.st_mtime_ns
    preview.rebuild()
    assert parsed() == ["people/a"]
    assert "甲的生涯。" in (out / "zh-hans/people/a/index.html").read_text(encoding="utf-8")


def test_a_body_edit_that_breaks_a_link_elsewhere_is_reported(mini: MiniSite) -> None:
    """The preview server resolves links again when a body edit changes what they point at: here
    the heading another page links to, renamed."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n## 生平\n\n甲的生平。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n见[[people/a#生平]]。\n")
    logged: list[str] = []
    preview = Preview(mini.root, mini.root / "_site", drafts=False, log=logged.append)
    preview.rebuild()
    assert preview.errors == []
    mini.write("people/a.md", "---\ntitle: 甲\n---\n## 早年\n\n甲的生平。\n")
    preview.rebuild()
    expected = "people/b.md:4:2: error: 'people/a' has no heading with the anchor '生平'"
    assert any(expected in error for error in preview.errors)


def test_a_mistake_found_in_loading_a_page_is_said_until_it_is_mended(mini: MiniSite) -> None:
    """A page whose body is wrong is not taken as loaded by the next build, after an edit elsewhere:
    its mistake is said again, and nothing is published."""
    preview, out = _built(mini, {"people/a.md": "---\ntitle: 甲\n---\n甲。\n\n::: figure\n甲签字。\n:::\n",
                                 "people/b.md": "---\ntitle: 乙\n---\n乙。\n"})
    expected = "people/a.md:6:1: error: a figure starts with its image, on a line of its own"
    assert [error for error in preview.errors if expected in error], preview.errors
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    preview.rebuild()
    assert [error for error in preview.errors if expected in error], preview.errors
    assert not out.exists()


def test_an_image_put_in_place_after_its_error_is_shown(mini: MiniSite) -> None:
    """The image a page shows was missing (an error); once the file is there, the page shows it, as
    a fresh build does."""
    preview, out = _built(mini, {"people/a.md": "---\ntitle: 甲\n---\n甲。\n\n![甲](photo.jpg)\n"})
    assert [error for error in preview.errors if "no file content/people/photo.jpg" in error], preview.errors
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture, "JPEG")
    mini.write("people/photo.jpg", picture.getvalue())
    preview.rebuild()
    assert preview.errors == []
    img = soup(out / "zh-hans/people/a/index.html").select_one(".body img")
    assert img is not None and img["alt"] == "甲" and (out / "zh-hans/people/a" / img["src"]).resolve().is_file()
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        dict(build(mini.root).files)


def test_a_title_edit_resolves_again_the_links_that_name_a_title(mini: MiniSite) -> None:
    """A page that links by title is looked at again when a title edit shares that title, takes
    it away or gives it to another page: its error is said, or its link follows."""
    preview, out = _built(mini, {"people/a.md": "---\ntitle: 甲\n---\n甲。\n",
                                 "people/b.md": "---\ntitle: 乙\n---\n乙认识[[甲]]。\n",
                                 "people/c.md": "---\ntitle: 丙\n---\n丙。\n"})
    mini.write("people/c.md", "---\ntitle: 甲\n---\n丙。\n")
    preview.rebuild(first=True)
    assert preview.errors == ["content/people/b.md:4:4: error: the title '甲' is shared by people/a, people/c\n"
                              "  hint: link by id instead, e.g. [[people/a|甲]]"]
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    preview.rebuild(first=True)
    assert preview.errors == []
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲。\n")
    preview.rebuild(first=True)
    assert [error.split("\n")[0] for error in preview.errors] == [
        "content/people/b.md:4:4: error: no page has the id or title '甲'"]
    mini.write("people/c.md", "---\ntitle: 甲\n---\n丙。\n")
    preview.rebuild(first=True)
    assert preview.errors == []
    assert _link_texts(out, "zh-hans/people/b/index.html", "zh-hans/people/c/") == {"甲"}
    assert _link_texts(out, "zh-hans/people/c/index.html", "zh-hans/people/b/") == {"乙"}  # what links here
    assert _link_texts(out, "zh-hans/people/a/index.html", "zh-hans/people/b/") == set()
    assert {path: data for path, (data, _) in _on_disk(out).items()} == dict(build(mini.root).files)


def test_a_title_edit_looks_again_only_at_the_pages_naming_the_title(mini: MiniSite,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """After a title edit the preview's resolve looks again at the page edited and the pages that
    name its old or its new title, not at the pages that name it by id or name other pages (the
    README's claim: what makes a title edit cheap at 10,000 pages)."""
    preview, _ = _built(mini, {"people/a.md": "---\ntitle: 甲\n---\n甲。\n",
                               "people/b.md": "---\ntitle: 乙\n---\n乙认识[[甲]]。\n",
                               "people/c.md": "---\ntitle: 丙\n---\n丙认识[[people/a]]。\n",
                               "people/d.md": "---\ntitle: 丁\n---\n丁认识[[丙]]。\n",
                               "people/e.md": "---\ntitle: 戊\n---\n戊认识甲先生的人。\n"})
    looked: list[str] = []
    find = resolve._find
    monkeypatch.setattr(resolve, "_find", lambda site, drafted, diags, page, *rest: (
        looked.append(page.id), find(site, drafted, diags, page, *rest))[1])
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲。\n")
    preview.rebuild(first=True)
    assert sorted(looked) == ["people/a", "people/b"]
    assert [error.split("\n")[0] for error in preview.errors] == [
        "content/people/b.md:4:4: error: no page has the id or title '甲'"]


def test_a_title_edit_on_an_event_the_overview_draws_places_its_label_again(mini: MiniSite) -> None:
    """The timeline's overview places a bar's label by its width: a longer title, saved, is placed
    as a fresh build places it (the chronology is made again, not taken over)."""
    preview, out = _built(mini, {
        "events/a.md": "---\ntitle: 援建\ndate: 1969-01/1969-06\n---\n援建。\n",
        "events/b.md": "---\ntitle: 条约\ndate: 1950-02-14\n---\n条约。\n",
        "events/c.md": "---\ntitle: 撤离\ndate: 1970\n---\n撤离。\n"})
    title = "一九五〇年代中苏两国在经济建设方面的长期合作与援助项目"
    mini.write("events/a.md", f"---\ntitle: {title}\ndate: 1969-01/1969-06\n---\n援建。\n")
    preview.rebuild(first=True)
    assert preview.errors == [] and preview.settle()
    assert {path: data for path, (data, _) in _on_disk(out).items()} == dict(build(mini.root).files)


def test_after_a_failed_build_the_preview_still_equals_a_fresh_build(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙认识[[people/a]]。\n")
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)

    def rebuilt() -> None:
        preview.rebuild()
        assert preview.errors == []
        assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
            dict(build(mini.root).files)

    rebuilt()
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲的生平。\n")
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙见过[[people/nobody]]。\n")
    preview.rebuild()
    assert preview.errors
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    rebuilt()
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    rebuilt()


def test_a_page_made_by_a_build_that_failed_is_made_again(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview keeps no page's HTML in memory, nor the search's records: the output folder holds
    the last good build's files, the store the rest. So what a build that failed made (neither on disk nor stored) is
    made again by the next build, not taken for the page on disk."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙认识[[people/a]]。\n")
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)
    preview.rebuild()
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平，修改过。\n")
    page = search.page
    fault = RuntimeError("a fault once the pages are made")
    fault.filename, fault.lineno = str(mini.root / "templates/search.html"), 1  # type: ignore[attr-defined]
    monkeypatch.setattr(search, "page", lambda *args: _raise(fault))
    preview.rebuild()
    assert [error.split(": ", 1)[1].splitlines()[0] for error in preview.errors] == [
        "error: template error: RuntimeError: a fault once the pages are made"]
    assert "修改过" not in (out / "zh-hans/people/a/index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(search, "page", page)
    preview.rebuild()
    assert preview.errors == []
    assert {path: data for path, (data, _) in _on_disk(out).items()} == dict(build(mini.root).files)
    kept = [data for part in preview.cache.parts.values() if part.output for data in part.output.files.values()]
    assert kept and all(data is write.UNCHANGED for data in kept)
    assert preview.cache.rendered.made and all(html is None for *_, html in preview.cache.rendered.made.values())
    records = [script for key, (_, scripts) in preview.cache.search_memo.earlier.items()
               if isinstance(key[0], tuple) for script in scripts]  # the groups of records
    assert records and all(script is write.UNCHANGED for script in records)


def test_a_title_edit_makes_again_only_the_timeline_entries_that_show_it(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview keeps each event's entry in the timelines and its record in their data from build
    to build: a title edit makes again those that show the title, and the pages are a fresh build's."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    for n in range(6):
        related = "[people/a]" if n == 2 else "[]"
        mini.write(f"events/e{n}.md", f"---\ntitle: 事件{n}\ndate: 195{n}\nrelated: {related}\n---\n事件。\n")
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)
    preview.rebuild()
    preview.rebuild()  # nothing changed: the next build still takes over what the first made
    made: list[tuple[str, str]] = []
    entry, record = views.Localizer._entry, exports._record
    monkeypatch.setattr(views.Localizer, "_entry",
                        lambda loc, here, pid: made.append(("entry", pid)) or entry(loc, here, pid))
    monkeypatch.setattr(exports, "_record",
                        lambda loc, pid, folder: made.append(("record", pid)) or record(loc, pid, folder))
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲。\n")
    preview.rebuild()
    assert preview.errors == []
    # in each script: the entry in the site's timeline, in the people's and on 甲's page, and its record
    assert sorted(made) == [("entry", "events/e2")] * 6 + [("record", "events/e2")] * 2
    assert {path: data for path, (data, _) in _on_disk(out).items()} == dict(build(mini.root).files)


def _raise(fault: Exception) -> None:
    raise fault


def test_a_change_in_a_hidden_static_folder_is_seen(mini: MiniSite) -> None:
    """static/.well-known/ is published, so the poll watches hidden files too."""
    hidden = mini.root / "static/.well-known/security.txt"
    hidden.parent.mkdir()
    hidden.write_text("Contact: mailto:a@example.org\n", encoding="utf-8")
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)
    preview.rebuild()
    assert preview.changes() is None
    hidden.write_text("Contact: mailto:editors@example.org\n", encoding="utf-8")
    assert preview.changes() is not None
    preview.rebuild()
    published = out / "static/.well-known/security.txt"
    assert published.read_text(encoding="utf-8") == "Contact: mailto:editors@example.org\n"


def _settled(watch: Watch) -> bool:
    """Whether the file system reported a change, given a moment to report it."""
    time.sleep(0.3)
    return watch.changed.is_set()


def test_the_poll_looks_at_the_files_when_told_of_a_change(tmp_path: Path) -> None:
    """Statting every file ten times a second cost half a core at 10,000 pages: the poll looks
    when the file system reports a change below a watched folder, and every CHECK_S seconds."""
    (tmp_path / "content").mkdir()
    page = tmp_path / "content" / "a.md"
    page.write_text("甲\n", encoding="utf-8")
    (tmp_path / ".cache" / "serve").mkdir(parents=True)
    watch = Watch(tmp_path)
    try:
        assert watch.observer is not None, "no file system events here"
        assert watch.due(0.0)  # the first look
        assert not watch.due(0.1)
        page.read_text(encoding="utf-8")  # the build reads files: no change
        (tmp_path / ".cache" / "serve" / "index.html").write_text("out", encoding="utf-8")  # the output
        assert not _settled(watch) and not watch.due(0.2)
        page.write_text("乙\n", encoding="utf-8")
        assert _settled(watch) and watch.due(0.3)
        assert not watch.due(0.4)
        assert watch.due(0.3 + CHECK_S)  # reported or not
    finally:
        watch.stop()


def _atomic_save(path: Path, text: str) -> None:
    """As editors save: a new file beside the old one, renamed over it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _move_folder(site: Path) -> None:
    (site / "content" / "people").rename(site / "content" / "persons")


SAVES = {
    "a page written in place": lambda site: (site / "content/index.md").write_text("---\ntitle: 首页\n---\n改。\n"),
    "a page saved by renaming": lambda site: _atomic_save(site / "content/people/a.md", "---\ntitle: 甲\n---\n新。\n"),
    "a new page": lambda site: (site / "content/people/b.md").write_text("---\ntitle: 乙\n---\n乙。\n"),
    "a page removed": lambda site: (site / "content/people/a.md").unlink(),
    "a page renamed": lambda site: (site / "content/people/a.md").rename(site / "content/people/c.md"),
    "a folder of pages made": lambda site: (
        (site / "content/places").mkdir(), (site / "content/places/x.md").write_text("---\ntitle: 地\n---\n地。\n")),
    "a folder of pages renamed": _move_folder,
    "a folder of pages removed": lambda site: shutil.rmtree(site / "content" / "people"),
    "site.yaml": lambda site: _atomic_save(site / "site.yaml", (site / "site.yaml").read_text() + "\n"),
    "a static file made": lambda site: (site / "static" / "note.txt").write_text("注\n", encoding="utf-8"),
}


@pytest.mark.parametrize("save", SAVES)
def test_the_files_the_file_system_names_are_all_a_look_needs(mini: MiniSite, save: str) -> None:
    """A poll told of a change looks again only at the paths reported (statting every file took
    a fifth of a one-page rebuild at 10,000 pages), and sees what looking at every file sees."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    preview = Preview(mini.root, mini.root / ".cache" / "serve", drafts=False, log=lambda message: None)
    preview.rebuild()
    watch = Watch(mini.root)
    try:
        assert watch.observer is not None, "no file system events here"
        assert watch.due(0.0) == Look(None)  # the first look is at every file
        SAVES[save](mini.root)
        assert _settled(watch)
        look = watch.due(0.1)
        assert look is not None and look.paths is not None  # a look at what was reported only
        everything = inputs(mini.root)
        assert everything != preview.built
        assert preview.changes(look.paths) == everything
    finally:
        watch.stop()


def test_a_folder_reported_alone_is_looked_at_whole(mini: MiniSite) -> None:
    """Some file systems report a folder moved or removed without each file below it."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙。\n")
    before = inputs(mini.root)
    folder, moved = mini.root / "content" / "people", mini.root / "content" / "persons"
    folder.rename(moved)
    assert relooked(mini.root, before, [str(folder), str(moved)]) == inputs(mini.root)
    shutil.rmtree(moved)
    assert relooked(mini.root, before, [str(moved), str(folder)]) == inputs(mini.root)


def _built(mini: MiniSite, pages: dict[str, str]) -> tuple[Preview, Path]:
    """A preview of ``mini`` with ``pages`` written, built once, and its output folder."""
    for relative, text in pages.items():
        mini.write(relative, text)
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)
    preview.rebuild()
    return preview, out


def _link_texts(out: Path, path: str, to: str) -> set[str]:
    """The texts of the links on the page at ``path`` (a file of ``out``) to the folder ``to``."""
    page, base = soup(out / path), "https://host/" + path
    return {a.get_text(strip=True) for a in page.find_all("a", href=True)
            if urljoin(base, a["href"]) == "https://host/" + to} - {""}


def test_a_save_makes_the_page_saved_first_and_the_rest_before_another_address_answers(mini: MiniSite) -> None:
    """The server makes a saved page first and sends the browser to it; what else the save changed
    (here the title on the page that links to it, and on the lists and timelines) is made before
    any address other than that page's files or static/ is answered, and the folder is then a
    fresh build's."""
    preview, out = _built(mini, {"people/a.md": "---\ntitle: 甲\n---\n甲。\n",
                                 "people/b.md": "---\ntitle: 乙\n---\n乙认识[[people/a]]。\n",
                                 "events/e.md": "---\ntitle: 事件\ndate: 1950\nrelated: [people/a]\n---\n事件。\n"})
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲。\n")
    preview.rebuild(first=True)
    assert preview.errors == [] and preview.pending is not None
    assert soup(out / "zh-hans/people/a/index.html").h1.get_text(strip=True) == "甲先生"
    assert _link_texts(out, "zh-hans/people/b/index.html", "zh-hans/people/a/") == {"甲"}  # not made yet
    assert "甲先生" not in (out / "zh-hans/search/pieces.js").read_text(encoding="utf-8") + \
        (out / "zh-hans/people/index.html").read_text(encoding="utf-8")
    for path in ("/zh-hans/people/a/", "/zh-hant/people/a/", "/people/a/", "/static/style.css"):
        preview.ready(path)
        assert preview.pending is not None, path
    preview.ready("/zh-hant/people/b/")
    assert preview.pending is None
    assert _link_texts(out, "zh-hans/people/b/index.html", "zh-hans/people/a/") == {"甲先生"}
    assert {path: data for path, (data, _) in _on_disk(out).items()} == dict(build(mini.root).files)


def test_saves_made_first_one_after_another_end_as_a_fresh_build(mini: MiniSite) -> None:
    """Saves that each make their page first, with the rest of the one before still to make, end,
    once the rest is made, with the folder a fresh build's; a rebuild after it changes nothing."""
    events = {f"events/e{n}.md": f"---\ntitle: 事件{n}\ndate: 195{n}\nrelated: [people/a]\n---\n事件。\n"
              for n in range(3)}
    preview, out = _built(mini, {"people/a.md": "---\ntitle: 甲\n---\n甲。\n",
                                 "people/b.md": "---\ntitle: 乙\n---\n乙认识[[people/a]]。\n", **events})
    mini.write("people/a.md", "---\ntitle: 甲先生\n---\n甲。\n")
    preview.rebuild(first=True)
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙认识[[people/a]]，也认识[[events/e1]]。\n")
    preview.rebuild(first=True)
    mini.write("events/e1.md", "---\ntitle: 事件一\ndate: 1951\nrelated: [people/a]\n---\n事件。\n")
    preview.rebuild(first=True)
    assert preview.pending is not None
    assert preview.settle()
    assert preview.errors == [] and preview.pending is None
    assert {path: data for path, (data, _) in _on_disk(out).items()} == dict(build(mini.root).files)
    assert not preview.rebuild()
