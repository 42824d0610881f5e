"""Search: the index's size, the bytes a first search transfers, what indexing adds to a build, and
recall against Pagefind's.

    .venv/bin/python benchmarks/search.py [SITE]            # the shipped site, or a corpus (benchmarks/corpus.py)
    .venv/bin/python benchmarks/search.py --recall [SITE]   # also docsite's and Pagefind's recall, in Chromium

For each variant: the index, its pieces and the part in the search page (raw, and gzip -9 as static
hosts serve each file); a first search's transfer, the search page, its pieces and search.js (the
stylesheet and site.js are cached from the page whose search box was used); and the time
docsite.stages.search.page takes in a build, against the whole build (medians of five builds).

--recall builds the site, indexes its trees with Pagefind too (``pagefind[extended]``, pinned in
requirements-others.txt, in benchmarks/.venv; the text of <main> without breadcrumbs, as
data-pagefind-body would give), and asks both engines, in Debian's Chromium, for every page by the
phrase of its own that tests/test_search.py chooses, typed in each script, and for the queries whose
expected page must come first. Found: among the first ten results.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Page

from docsite import pipeline
from docsite.stages import search
from docsite.stages.write import Staging

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS_VENV = HERE / ".venv"
RUNS = 5
INDEX = re.compile(rb"<script[^>]*\bid=\"?search-data\"?[^>]*>(.*?)</script>", re.DOTALL)


def measure(site: Path) -> None:
    indexing: list[float] = []
    builds: list[float] = []
    page = search.page

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return page(*args, **kwargs)
        finally:
            indexing[-1] += time.perf_counter() - start

    search.page = timed  # type: ignore[assignment]
    try:
        for _ in range(RUNS):
            indexing.append(0.0)
            result = pipeline.build(site)
            assert result.ok, "\n".join(d.format() for d in result.diagnostics.items)
            builds.append(result.seconds)
    finally:
        search.page = page  # type: ignore[assignment]
    files = result.files
    script = next(data for path, data in files.items() if re.fullmatch(r"static/search\.\w+\.js", path))
    print(f"{site}: {len(result.pages_per_variant)} variants, pages {result.pages_per_variant}")
    print("| variant | pieces | index raw | index gzip | search page gzip | search.js gzip | first search |")
    print("|---|---|---|---|---|---|---|")
    for code in result.pages_per_variant:
        html = files[f"{code}/search/index.html"]
        match = INDEX.search(html)
        assert match, "no index in the search page"
        pieces = [data for path, data in files.items() if re.fullmatch(rf"{code}/search/index-\w+\.js", path)]
        raw = len(match.group(1)) + sum(map(len, pieces))
        packed = _gz(match.group(1)) + sum(map(_gz, pieces))
        first = _gz(html) + sum(map(_gz, pieces)) + _gz(script)
        print(f"| {code} | {len(pieces)} | {_kb(raw)} | {_kb(packed)} | {_kb(_gz(html))} | {_kb(_gz(script))} "
              f"| {_kb(first)} |")
    cost, whole = statistics.median(indexing), statistics.median(builds)
    print(f"indexing: {cost:.3f} s of a {whole:.2f} s build ({100 * cost / whole:.1f} %), median of {RUNS}")


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KiB"


#: Each engine's search in a page of a tree: the paths (under the tree) of its first ten results.
DOCSITE_JS = """q => { const input = document.querySelector('#search-query'); input.value = q;
  input.dispatchEvent(new Event('input'));
  return Array.from(document.querySelectorAll('.search-results .result-title a')).slice(0, 10).map(a => a.href); }"""
PAGEFIND_SETUP = """async () => { window.pagefind = await import('./pagefind/pagefind.js');
  await window.pagefind.options({baseUrl: location.pathname}); await window.pagefind.init(); }"""
PAGEFIND_JS = """async q => { const found = await window.pagefind.search(q);
  const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return data.map(d => new URL(d.url, location.href).href); }"""


def recall(site: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright
    from test_search import EXPECTED_FIRST, TREES, phrases

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docsite"
        with Staging(folder) as staging:
            assert pipeline.build(site, output=staging).ok
            staging.commit()
        chosen = {("" if pid == "." else pid + "/"): written for pid, (written, _) in phrases(folder).items()}
        engines = (("docsite", folder, "search/", "", DOCSITE_JS),
                   ("Pagefind", _pagefind(folder, Path(tmp) / "pagefind", TREES), "", PAGEFIND_SETUP, PAGEFIND_JS))
        print("| engine | tree | typed in | found | first | expected first |")
        print("|---|---|---|---|---|---|")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
            for engine, served, start, setup, query in engines:
                with _served(served) as root:
                    for tree in TREES:
                        page = browser.new_page()
                        page.goto(f"{root}{tree}/{start}")
                        if setup:
                            page.evaluate(setup)
                        ask = functools.partial(_ask, page, query, f"{root}{tree}/")
                        first = sum(ask(q)[:1] == [want] for q, want in EXPECTED_FIRST)
                        for script in TREES:
                            ranks = [found.index(want) if want in found else None
                                     for want, written in chosen.items() for found in [ask(written[script])]]
                            print(f"| {engine} | {tree} | {script} | {sum(r is not None for r in ranks)}/{len(ranks)} "
                                  f"| {ranks.count(0)}/{len(ranks)} | {first}/{len(EXPECTED_FIRST)} |")
                        page.close()
            browser.close()


def _ask(page: Page, query: str, tree: str, typed: str) -> list[str]:
    """The first ten results for ``typed``, as paths under the tree's URL."""
    return [url.removeprefix(tree) for url in page.evaluate(query, typed)]


def _pagefind(folder: Path, out: Path, trees: tuple[str, ...]) -> Path:
    """A copy of the site without its search pages, each tree indexed by Pagefind."""
    python = str(TOOLS_VENV / "bin" / "python")
    if not Path(python).exists() or subprocess.run([python, "-m", "pagefind", "--version"], capture_output=True,
                                                   check=False).returncode:
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
        subprocess.run([str(TOOLS_VENV / "bin" / "pip"), "install", "-q", "-r", str(HERE / "requirements-others.txt")],
                       check=True)
    shutil.copytree(folder, out)
    for tree in trees:
        shutil.rmtree(out / tree / "search")
        subprocess.run([python, "-m", "pagefind", "--site", str(out / tree), "--root-selector", "main",
                        "--exclude-selectors", ".breadcrumbs"], check=True, capture_output=True)
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _served:
    """``folder`` served on 127.0.0.1 while in the block; its root URL."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--recall"]
    target = Path(arguments[0]).resolve() if arguments else ROOT
    measure(target)
    if "--recall" in sys.argv:
        recall(target)
