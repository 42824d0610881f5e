"""Search: the index's size, what a query transfers and how long it takes in Chromium, what indexing
adds to a build, and recall against Pagefind's.

    .venv/bin/python benchmarks/search.py [SITE]             # the shipped site, or a corpus (benchmarks/corpus.py)
    .venv/bin/python benchmarks/search.py --queries [SITE]   # also QUERIES in Chromium, from the header's box
    .venv/bin/python benchmarks/search.py --recall [SITE]    # also docsite's and Pagefind's recall, in Chromium
    .venv/bin/python benchmarks/search.py --runs=1 [SITE]    # builds to time (RUNS by default); 0: SITE/_site as built

For each variant: the pieces of the index (by key; the pages' records; the
folding table and the pinyin, the same for every site), their size raw and gzip -6 (as static hosts
serve each file), the listing that names them; and the time docsite.stages.search.page takes in a
build, against the whole build (medians of RUNS builds).

--queries serves the built site on 127.0.0.1 and types each of QUERIES into the header's box of the
home page, in a new browser context each (nothing cached), and reports what the query transferred
(search.js, the listing, the folding table, the pieces of its keys, the records of the results
shown; each file's gzip -6 size), the time from the keystroke to the results shown (first: with the
pieces fetched from 127.0.0.1; then the same query again, its pieces loaded: the time the results
take once the pieces have arrived), and the number of results.

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
from functools import partial
from pathlib import Path

from playwright.sync_api import Page, Request

from docsite import pipeline
from docsite.stages import search
from docsite.stages.write import Staging

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS_VENV = HERE / ".venv"
RUNS = 5


def measure(site: Path, runs: int = RUNS) -> dict[str, bytes]:
    """Build ``site`` ``runs`` times; print the index's figures; return the last build's files."""
    if not runs:  # a build made before: its files as they are (no time to report)
        out = site / "_site"
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        codes = sorted({path.split("/")[0] for path in files if path.endswith("/search/pieces.js")})
        print(f"{site}: {len(codes)} variants (built before, in {out})")
        return _figures(files, codes)
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
        for _ in range(runs):
            indexing.append(0.0)
            result = pipeline.build(site)
            assert result.ok, "\n".join(d.format() for d in result.diagnostics.items)
            builds.append(result.seconds)
    finally:
        search.page = page  # type: ignore[assignment]
    print(f"{site}: {len(result.pages_per_variant)} variants, pages {result.pages_per_variant}")
    _figures(result.files, list(result.pages_per_variant))
    cost, whole = statistics.median(indexing), statistics.median(builds)
    print(f"indexing: {cost:.3f} s of a {whole:.2f} s build ({100 * cost / whole:.1f} %), median of {runs}")
    return result.files


def _figures(files: dict[str, bytes], codes: list[str]) -> dict[str, bytes]:
    """Print each variant's index: its pieces, raw and gzip; return ``files``."""
    script = next(data for path, data in files.items() if re.fullmatch(r"static/search\.\w+\.js", path))
    print("| variant | key pieces | raw | gzip | largest gzip | records | gzip | constant gzip | listing gzip "
          "| search.js gzip |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for code in codes:
        folder = f"{code}/search/index/"
        pieces = {path.removeprefix(folder): data for path, data in files.items() if path.startswith(folder)}
        keys = [data for name, data in pieces.items() if name[0] in "tp"]
        mains = [data for name, data in pieces.items() if name[0] == "t"]
        records = [data for name, data in pieces.items() if name[0] == "d"]
        constant = [data for name, data in pieces.items() if name[0] in "fy"]
        print(f"| {code} | {len(mains)} | {_kb(sum(map(len, keys)))} | {_kb(sum(map(_gz, keys)))} "
              f"| {_kb(max(map(_gz, mains)))} | {len(records)} | {_kb(sum(map(_gz, records)))} "
              f"| {_kb(sum(map(_gz, constant)))} | {_kb(_gz(files[f'{code}/search/pieces.js']))} "
              f"| {_kb(_gz(script))} |")
    return files


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KiB"


#: Ten queries, as readers type them: a first two-character query, names, pinyin, Latin, numerals, a
#: long phrase, one character off.
QUERIES = ["苏联", "周恩来", "中长铁路", "旅顺", "Stalin", "zhou enlai", "第5条", "武汉长江大桥", "斯达林", "条约"]
#: Type a query into the header's box; the milliseconds until its results are shown, and how many.
TYPE_JS = """q => new Promise(resolve => {
  const form = document.querySelector('.site-search'), input = form.elements.q;
  const start = performance.now();
  new MutationObserver((_, observer) => {
    if (form.dataset.shown !== q) return;
    observer.disconnect();
    resolve([performance.now() - start, form.querySelectorAll('.search-results li').length]);
  }).observe(form, {attributes: true});
  input.value = q;
  input.dispatchEvent(new Event('input'));
})"""


def _note(requested: list[str], root: str, request: Request) -> None:
    requested.append(request.url.removeprefix(root))


def queries(files: dict[str, bytes], built: Path | None) -> None:
    """Each of QUERIES typed into the home page's box in a fresh browser context: bytes and times.
    ``files`` are served from ``built`` where they are already, else from a temporary folder."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = built or Path(tmp)
        for path, data in files.items() if built is None else ():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(data)
        print("| query | files | transferred, gzip | of it the index's pieces | first results, ms | again, ms "
              "| results |")
        print("|---|---|---|---|---|---|---|")
        with sync_playwright() as playwright, _served(folder) as root:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
            for query in QUERIES:
                context = browser.new_context(bypass_csp=True)  # the waits below evaluate scripts
                page = context.new_page()
                page.goto(f"{root}zh-hans/")
                requested: list[str] = []
                page.on("request", partial(_note, requested, root))
                page.locator(".site-search input").focus()
                page.wait_for_function("self.searchStarted === true")
                first, count = page.evaluate(TYPE_JS, query)
                sizes = {path: _gz((folder / path).read_bytes()) for path in requested if (folder / path).is_file()}
                pieces = sum(size for path, size in sizes.items() if "/search/index/" in path and
                             path.rpartition("/")[2][0] in "tp")
                page.evaluate("q => { const i = document.querySelector('.site-search input'); i.value = '';"
                              " i.dispatchEvent(new Event('input')); }", "")
                again, _ = page.evaluate(TYPE_JS, query)
                print(f"| {query} | {len(sizes)} | {_kb(sum(sizes.values()))} | {_kb(pieces)} | {first:.0f} "
                      f"| {again:.0f} | {count} |")
                context.close()
            browser.close()


#: Each engine's search in a page of a tree: the paths (under the tree) of its first ten results.
DOCSITE_JS = """q => new Promise(resolve => {
  const form = document.querySelector('.search-form'), input = form.elements.q;
  const done = () => Array.from(document.querySelectorAll('.search-results .result-title a')).slice(0, 10)
    .map(a => a.href);
  new MutationObserver((_, observer) => {
    if (form.dataset.shown !== q.trim() + '|') return;
    observer.disconnect();
    resolve(done());
  }).observe(form, {attributes: true});
  input.value = q;
  input.dispatchEvent(new Event('input'));
})"""
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
                        page = browser.new_page(bypass_csp=True)
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
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    target = Path(arguments[0]).resolve() if arguments else ROOT
    runs = next((int(a.removeprefix("--runs=")) for a in sys.argv if a.startswith("--runs=")), RUNS)
    made = measure(target, runs)
    if "--queries" in sys.argv:
        queries(made, target / "_site" if not runs else None)
    if "--recall" in sys.argv:
        recall(target)
