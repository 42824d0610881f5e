"""What an editor sees of `build.py serve` besides the pages: every build error shown in the browser
in the site's language, HTTP answered as hosts answer it, a busy port said in one line, --open, a
quiet terminal, and the browser taken to the page saved."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, MiniSite
from playwright.sync_api import Browser, Page, expect
from test_accessibility import violations

from docsite.commands import serve
from docsite.commands.serve import NAVIGATE, Preview
from docsite.pipeline import build
from docsite.text.variants import Converter

PAGE = "---\ntitle: 周恩来\n---\n{body}\n"
#: How long a test waits for the server to start or to rebuild: a bound, not a measure.
WAIT_S = 60


class Served:
    """A preview server started as an editor starts it, on a port it picks (--port 0)."""

    def __init__(self, mini: MiniSite, *flags: str, env: dict[str, str] | None = None):
        self.mini = mini
        self.process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *flags],
                                        cwd=mini.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env={**os.environ, **(env or {})})
        self.lines: list[str] = []
        started = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)
                if line.startswith("serving "):
                    started.set()
            started.set()

        threading.Thread(target=read, daemon=True).start()
        if not started.wait(WAIT_S) or self.process.poll() is not None:
            self.stop()
            pytest.fail("the server did not start:\n" + self.output)
        found = re.search(r"serving (http://127\.0\.0\.1:(\d+)/)", self.output)
        assert found, self.output
        self.base, self.port = found.group(1).rstrip("/"), int(found.group(2))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def request(self, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """One request exactly as written (no client normalises the path): status, headers, body."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT_S) as conn:
            conn.sendall(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        status, *fields = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (f.partition(":") for f in fields)}
        return int(status.split()[1]), headers, body

    def page(self, path: str) -> tuple[int, BeautifulSoup]:
        status, _, body = self.request(path)
        return status, BeautifulSoup(body.decode("utf-8"), "html.parser")

    def until(self, path: str, status: int) -> BeautifulSoup:
        """The page at ``path`` once it answers ``status`` (after the rebuild a save starts)."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            answered, page = self.page(path)
            if answered == status:
                return page
            time.sleep(0.1)
        pytest.fail(f"{path} never answered {status}:\n{self.output}")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.output


@pytest.fixture
def served(mini: MiniSite) -> Iterator[Served]:
    mini.write("people/zhou-enlai.md", PAGE.format(body="第一版。"))
    mini.write("people/mao-zedong.md", "---\ntitle: 毛泽东\n---\n主席。\n")
    running = Served(mini)
    yield running
    running.stop()


def _where(page: BeautifulSoup) -> list[str]:
    return [code.get_text() for code in page.select("code.where")]


# -- 1. every build error in the browser, in the site's language --------------------------------------

ADDRESSES = ["/", "/zh-hans/", "/zh-hant/people/zhou-enlai/", "/zh-hant/people/zhou-enlai", "/zh-hans/people/",
             "/zh-hans/no-such-page/", "/people/zhou-enlai/"]


def _remove_404(mini: MiniSite) -> None:
    (mini.root / "templates/404.html").unlink()


BREAKS: dict[str, tuple[Callable[[MiniSite], object], str]] = {
    "invalid YAML": (lambda mini: mini.write("people/zhou-enlai.md", "---\ntitle: [\n---\n"),
                     "content/people/zhou-enlai.md:2:9: error: invalid YAML"),
    "a bad date": (lambda mini: mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\ndate: 1950-13-45\n---\n"),
                   "content/people/zhou-enlai.md:3:7: error: 'date': '1950-13-45'"),
    "an unknown link": (lambda mini: mini.write("people/zhou-enlai.md", PAGE.format(body="见[[people/nobody]]。")),
                        "content/people/zhou-enlai.md:4:2: error: no page has the id or title 'people/nobody'"),
    "a missing template": (_remove_404, "templates/404.html: error: "),
}


@pytest.mark.parametrize("kind", BREAKS)
def test_every_address_answers_the_error_page_until_fixed(served: Served, kind: str) -> None:
    """Never the last good page with 200: the error page with 500, at every address a page could
    be at, the page's own, others, a folder without its slash, a missing page, a neutral address."""
    template = (served.mini.root / "templates/404.html").read_bytes()
    breaks, expected = BREAKS[kind]
    breaks(served.mini)
    served.until("/zh-hant/people/zhou-enlai/", 500)
    for address in ADDRESSES:
        status, page = served.page(address)
        assert status == 500, address
        assert any(where.startswith(expected) for where in _where(page)), (address, _where(page))
    style = next((served.mini.root / ".cache/serve/static").glob("style.*.css")).name
    assert served.request(f"/static/{style}")[0] == 200  # not a page: served as it is
    served.mini.write("people/zhou-enlai.md", PAGE.format(body="修好了。"))
    (served.mini.root / "templates/404.html").write_bytes(template)
    assert "修好了" in served.until("/zh-hant/people/zhou-enlai/", 200).get_text()
    assert served.page("/zh-hans/no-such-page/")[0] == 404
    assert "Traceback" not in served.output


def test_the_error_page_is_in_the_script_of_its_address(served: Served) -> None:
    """The page's words converted as the site converts (s2tw for zh-hant), its language that of the
    variant; the build's message and the file's lines as they are, in both."""
    served.mini.write("people/zhou-enlai.md", "---\ntitle: [周恩来\n---\n")
    hans = served.until("/zh-hans/people/zhou-enlai/", 500)
    hant = served.page("/zh-hant/people/zhou-enlai/")[1]
    to_hant = Converter("zh-hant", "s2tw")
    assert hans.html is not None and hant.html is not None
    assert (hans.html["lang"], hant.html["lang"]) == ("zh-Hans", "zh-Hant")
    for selector in ("title", "h1", "main > p"):
        simplified, traditional = hans.select_one(selector), hant.select_one(selector)
        assert simplified is not None and traditional is not None
        assert to_hant(simplified.get_text()) == traditional.get_text() != simplified.get_text(), selector
    assert _where(hans) == _where(hant)
    assert [pre.get_text() for pre in hans.select("pre")] == [pre.get_text() for pre in hant.select("pre")]
    excerpt = hant.select_one("pre")
    assert excerpt is not None and "title: [周恩来" in excerpt.get_text()  # the file's text, not converted
    neutral = served.page("/people/zhou-enlai/")[1]
    assert neutral.html is not None and neutral.html["lang"] == "zh-Hans"  # the first variant's


def test_the_error_page_shows_the_lines_with_a_caret_escaped(served: Served) -> None:
    served.mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\nsummary: <img src=x>甲\ndate: 1950-13-45\n---\n")
    page = served.until("/zh-hans/", 500)
    excerpt = page.select_one("pre.excerpt")
    assert excerpt is not None
    assert [n.get_text() for n in excerpt.select(".number")] == ["2 | ", "3 | ", "4 | ", "    "]
    named = excerpt.select_one(".named")
    assert named is not None and named.get_text() == "date: 1950-13-45"
    before = excerpt.select_one(".before-caret")
    assert before is not None and before.get_text() == "date: "  # column 7
    assert "<img src=x>" in excerpt.get_text() and page.find("img") is None


def test_a_fault_of_the_build_is_an_error_at_its_line(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception in the build (not a diagnostic) is shown as the error page too, at the line that
    raised it, and the preview goes on: the next good build is what a fresh build gives."""
    mini.write("people/zhou-enlai.md", PAGE.format(body="第一版。"))
    out = mini.root / "_site"
    preview = Preview(mini.root, out, drafts=False, log=lambda message: None)
    preview.rebuild()
    assert preview.failure("/zh-hans/") is None

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(serve, "build", broken)
    assert preview.rebuild()
    line = broken.__code__.co_firstlineno + 1
    where = f"{Path(__file__).as_posix()}:{line}:9: error: the build failed: ZeroDivisionError: division by zero"
    assert preview.errors[0].startswith(where), preview.errors
    failure = preview.failure("/zh-hant/people/zhou-enlai/")
    assert failure is not None
    page = BeautifulSoup(failure.decode("utf-8"), "html.parser")
    assert page.html is not None and page.html["lang"] == "zh-Hant"
    named = page.select_one(".named")
    assert named is not None and 'raise ZeroDivisionError("division by zero")' in named.get_text()
    monkeypatch.undo()
    preview.rebuild()
    assert preview.errors == [] and preview.failure("/zh-hans/") is None
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        dict(build(mini.root).files)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_error_page(served: Served, browser: Browser, scheme: str) -> None:
    served.mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\n---\n" + "很长的一行，" * 80 + "[[people/nobody]]\n")
    served.until("/zh-hant/", 500)
    page = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 800}).new_page()
    page.goto(served.base + "/zh-hant/people/zhou-enlai/")
    assert violations(page) == []
    page.context.close()


# -- 2. HTTP as hosts answer it ---------------------------------------------------------------------


def test_head_is_answered_as_get_without_the_body(served: Served) -> None:
    for path, expected in (("/zh-hans/people/zhou-enlai/", 200), ("/zh-hans/no-such-page/", 404)):
        get = served.request(path)
        status, headers, body = served.request(path, "HEAD")
        assert (status, body) == (expected, b"")
        assert int(headers["content-length"]) == len(get[2]) and headers["content-type"] == get[1]["content-type"]


def test_a_url_over_8_kb_is_answered_414(served: Served) -> None:
    assert served.request("/zh-hans/" + "a" * 9000)[0] == 414
    assert served.request("/zh-hans/?q=" + "a" * 9000)[0] == 414
    assert served.request("/zh-hans/" + "a" * 300 + "/")[0] == 404  # a name too long for the file system


def test_a_static_file_with_a_chinese_name_is_served(mini: MiniSite) -> None:
    (mini.root / "static/资料").mkdir()
    (mini.root / "static/资料/条约 全文.txt").write_text("中苏友好同盟互助条约\n", encoding="utf-8")
    running = Served(mini)
    try:
        status, headers, body = running.request(quote("/static/资料/条约 全文.txt"))
        assert status == 200 and body.decode("utf-8") == "中苏友好同盟互助条约\n"
        assert headers["content-type"] == "text/plain; charset=utf-8"
    finally:
        running.stop()


@pytest.mark.parametrize("target", ["//zh-hans", "///zh-hans", "//zh-hans/people", "/./zh-hans", "//zh-hans?q=1"])
def test_a_redirect_never_leaves_the_host(served: Served, target: str) -> None:
    status, headers, _ = served.request(target)
    assert status in (301, 404)
    if status == 301:
        location = headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert served.request(location)[0] == 200


@pytest.mark.parametrize("target", [
    "/zh-hant/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
    "/%2e%2e%2f%2e%2e%2fetc/passwd", "/zh-hans/..%5c..%5c..%5cetc/passwd", "//etc/passwd",
    "/static/../../../../etc/passwd", "/%c0%ae%c0%ae/etc/passwd", "/zh-hans/%00/../../etc/passwd",
    "/.%2e/.%2e/etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd"])
def test_every_traversal_is_refused(served: Served, target: str) -> None:
    status, _, body = served.request(target)
    assert status in (400, 403, 404) and b"root:" not in body


# -- 3. the port -----------------------------------------------------------------------------------


def test_a_busy_port_is_one_line_with_a_free_one_before_building(mini: MiniSite) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], cwd=mini.root,
                              capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and f"port {port} " in lines[0], done.stderr
    suggested = re.search(r"--port (\d+)", lines[0])
    assert suggested and int(suggested.group(1)) != port
    with socket.socket() as free:
        free.bind(("127.0.0.1", int(suggested.group(1))))  # free indeed
    assert not (mini.root / ".cache").exists()  # said before the first build


def test_port_0_picks_a_free_port_and_says_it(served: Served) -> None:
    assert served.port != 0
    assert f"serving http://127.0.0.1:{served.port}/" in served.output
    assert served.page("/zh-hans/people/zhou-enlai/")[0] == 200


# -- 4. --open, a quiet terminal --------------------------------------------------------------------


def test_open_opens_the_preview_in_the_browser(mini: MiniSite, tmp_path: Path) -> None:
    opened = tmp_path / "opened"
    script = tmp_path / "browser"
    script.write_text(f'#!/bin/sh\nprintf %s "$1" > "{opened}"\n', encoding="utf-8")
    script.chmod(0o755)
    running = Served(mini, "--open", env={"BROWSER": str(script)})
    try:
        deadline = time.monotonic() + WAIT_S
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text(encoding="utf-8") == running.base + "/"
    finally:
        running.stop()


@pytest.mark.parametrize("verbose", [False, True])
def test_requests_are_logged_only_when_verbose(mini: MiniSite, verbose: bool) -> None:
    running = Served(mini, *(["--verbose"] if verbose else []))
    try:
        for path in ("/zh-hans/", "/zh-hans/no-such-page/", "/static/style.css"):
            running.request(path)
        mini.write("index.md", "---\ntitle: [\n---\n")
        running.until("/zh-hans/", 500)
    finally:
        output = running.stop()
    logged = re.findall(r"\b(?:200|404|500) GET /zh-hans/", output)
    assert bool(logged) == verbose, output
    assert "content/index.md:2:9: error: invalid YAML" in output  # what the editor must see, either way
    assert "Traceback" not in output and "stopped" in output


# -- 4. the browser taken to the page saved ---------------------------------------------------------


def test_the_reload_names_the_one_page_saved(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙。\n")
    preview = Preview(mini.root, mini.root / "_site", drafts=False, log=lambda message: None)
    preview.rebuild()

    def saved(*writes: tuple[str, str]) -> str:
        for relative, text in writes:
            mini.write(relative, text)
        preview.rebuild(preview.changes())
        return preview.reload_path()

    path = saved(("people/a.md", "---\ntitle: 甲\n---\n甲，改过。\n"), ("people/.#a.md", "an editor's lock file"))
    assert path.startswith(NAVIGATE) and preview.errors == []
    assert json.loads(path.removeprefix(NAVIGATE)) == {
        "zh-hans": "/zh-hans/people/a/", "zh-hant": "/zh-hant/people/a/", "": "/people/a/"}
    both = ("people/a.md", "---\ntitle: 甲\n---\n又改。\n"), ("people/b.md", "---\ntitle: 乙\n---\n也改。\n")
    assert saved(*both) == "*"
    assert saved(("people/c.md", "---\ntitle: 丙\ndraft: true\n---\n丙。\n")) == "*"  # no page of the site
    assert saved(("sources.yaml", (mini.root / "content/sources.yaml").read_text(encoding="utf-8") + "\n")) == "*"
    path = saved(("people/d.md", "---\ntitle: [\n---\n"))  # a new page with an error: its address shows it
    assert json.loads(path.removeprefix(NAVIGATE))["zh-hant"] == "/zh-hant/people/d/"


def _tab(browser: Browser, url: str) -> Page:
    """A page opened in Chromium, once livereload.js is connected to the server."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(url)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7")
    return page


def test_the_browser_goes_to_the_page_saved(served: Served, browser: Browser) -> None:
    """Hugo's navigateToChanged: each tab goes to the page saved, in its own script; a tab showing
    it already reloads."""
    elsewhere = _tab(browser, served.base + "/zh-hant/")
    other = _tab(browser, served.base + "/zh-hans/people/mao-zedong/")
    there = _tab(browser, served.base + "/zh-hant/people/zhou-enlai/")
    served.mini.write("people/zhou-enlai.md", PAGE.format(body="第二版。"))
    expect(elsewhere).to_have_url(served.base + "/zh-hant/people/zhou-enlai/", timeout=WAIT_S * 1000)
    expect(other).to_have_url(served.base + "/zh-hans/people/zhou-enlai/", timeout=WAIT_S * 1000)
    for tab in (elsewhere, other, there):
        expect(tab.locator("main")).to_contain_text("第二版", timeout=WAIT_S * 1000)
    assert there.url == served.base + "/zh-hant/people/zhou-enlai/"
    for tab in (elsewhere, other, there):
        tab.context.close()


def test_a_new_title_shows_on_the_page_saved_and_on_the_next_page_opened(served: Served, browser: Browser) -> None:
    """The page saved is made first and the browser goes to it; the list of people, opened at once
    from it, shows the new title too: the rest of the save is made before another page is served."""
    tab = _tab(browser, served.base + "/zh-hant/people/mao-zedong/")
    served.mini.write("people/zhou-enlai.md", PAGE.replace("周恩来", "周恩来总理").format(body="第一版。"))
    title = Converter("zh-hant", "s2tw")("周恩来总理")
    expect(tab).to_have_url(served.base + "/zh-hant/people/zhou-enlai/", timeout=WAIT_S * 1000)
    expect(tab.locator("h1")).to_have_text(title, timeout=WAIT_S * 1000)
    tab.goto(served.base + "/zh-hant/people/")
    names = tab.locator("main a").all_inner_texts()
    assert title in names and Converter("zh-hant", "s2tw")("周恩来") not in names
    tab.context.close()


def test_the_browser_shows_the_error_then_the_page_fixed(served: Served, browser: Browser) -> None:
    tab = _tab(browser, served.base + "/zh-hant/people/mao-zedong/")
    statuses: list[int] = []
    tab.on("response", lambda response: statuses.append(response.status) if response.request.is_navigation_request()
           else None)
    served.mini.write("people/zhou-enlai.md", PAGE.format(body="见[[people/nobody]]。"))
    expect(tab).to_have_url(served.base + "/zh-hant/people/zhou-enlai/", timeout=WAIT_S * 1000)
    heading = tab.locator("h1")
    expect(heading).to_have_text(Converter("zh-hant", "s2tw")("网站生成出错"), timeout=WAIT_S * 1000)
    assert statuses[-1] == 500
    expect(tab.locator("code.where")).to_contain_text("content/people/zhou-enlai.md:4:2: error: no page has the id")
    # The caret stands under the column named (2: the link after 见), in the font the browser chose.
    caret = tab.locator(".caret").bounding_box()
    column = tab.evaluate("""() => {
        const line = document.querySelector('.named').firstChild, range = document.createRange();
        range.setStart(line, 1); range.setEnd(line, 2);
        return range.getBoundingClientRect().left;
    }""")
    assert caret is not None and abs(caret["x"] - column) < 1
    served.mini.write("people/zhou-enlai.md", PAGE.format(body="修好了。"))
    expect(tab.locator("main")).to_contain_text("修好了", timeout=WAIT_S * 1000)
    assert statuses[-1] == 200
    tab.context.close()
