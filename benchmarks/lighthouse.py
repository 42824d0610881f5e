"""Lighthouse scores of the built site, as a static host serves it, on a phone and on a desktop.

    npm ci --prefix benchmarks/lighthouse          # Lighthouse 12.2.3 (13 needs a newer Node.js)
    .venv/bin/python benchmarks/lighthouse.py      # [--variants zh-hans] [--pages treaty/ ...] [--runs 3] [--json FILE]

Builds the site with its base URL set to a server on 127.0.0.1 (so canonical and hreflang links are
absolute, as when published), serves it compressed with gzip like static hosts do, and runs
Lighthouse with Debian's Chromium on the home page, the treaty, an article, an event, the site
timeline and a person page, in each script, with Lighthouse's mobile settings (a mid-range phone on a
slow 4G network, simulated) and its desktop preset. Reports, for the median of --runs runs (by
performance: it varies with the machine's load), the four category scores, the page
weight transferred and uncompressed, the web fonts loaded, the render-blocking resources, the
largest contentful paint and the layout shift.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from docsite.pipeline import build
from docsite.stages.write import Staging

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "benchmarks/lighthouse/node_modules/lighthouse/cli/index.js"
PAGES = ["", "treaty/", "treaty/article-1/", "events/treaty-signed/", "timeline/", "people/zhou-enlai/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv"}
#: Chromium as root, headless, with no connections of its own (this network is closed).
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking " \
               "--disable-component-update --disable-sync"


class GzipHandler(SimpleHTTPRequestHandler):
    """A static host: text files gzip-compressed when the browser accepts it."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def audit(url: str, desktop: bool) -> dict:
    """One Lighthouse run: its JSON report."""
    command = ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"]
    if desktop:
        command.append("--preset=desktop")
    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed (apt-get install chromium)"
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                            env={"PATH": "/usr/bin:/bin:/usr/local/bin", "CHROME_PATH": chromium,
                                 "HOME": tempfile.gettempdir()})
    if result.returncode:
        sys.exit(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def summary(report: dict) -> dict:
    """What the targets are about: scores, bytes, fonts, render-blocking resources, LCP, layout shift."""
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    scored = {ref["id"] for c in CATEGORIES for ref in report["categories"][c]["auditRefs"] if ref["weight"]}
    failed = sorted(a for a in scored if audits[a].get("score") is not None and audits[a]["score"] < 1)
    return {
        **{c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "transferred": sum(r.get("transferSize", 0) for r in requests),
        "uncompressed": sum(r.get("resourceSize", 0) for r in requests),
        "fonts": sum(r.get("resourceType") == "Font" for r in requests),
        "render_blocking": [i["url"].rsplit("/", 1)[-1]
                            for i in audits["render-blocking-resources"].get("details", {}).get("items", [])],
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "not_passed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=["zh-hans", "zh-hant"])
    parser.add_argument("--pages", nargs="+", default=PAGES, help="paths below a variant ('' is its home)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page and form factor; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the summaries to this file")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        sys.exit("Lighthouse is not installed: npm ci --prefix benchmarks/lighthouse")
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(site)))
        root = f"http://127.0.0.1:{server.server_port}/"
        with Staging(site) as staging:
            assert build(ROOT, base_url=root, output=staging).ok, "the content has errors: run build.py check"
            staging.commit()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        rows = []
        print(f"{'page':32} {'form':7} perf a11y best  seo  transferred uncompressed fonts blocking  LCP ms   CLS")
        for variant in args.variants:
            for page in args.pages:
                for form in ("mobile", "desktop"):
                    runs = sorted((summary(audit(root + variant + "/" + page, form == "desktop"))
                                   for _ in range(args.runs)), key=lambda run: run["performance"])
                    row = {"page": f"/{variant}/{page}", "form": form, **runs[len(runs) // 2]}
                    rows.append(row)
                    print(f"{row['page']:32} {form:7} {row['performance']:4} {row['accessibility']:4} "
                          f"{row['best-practices']:4} {row['seo']:4} {row['transferred'] / 1024:9.1f} KB "
                          f"{row['uncompressed'] / 1024:9.1f} KB {row['fonts']:5} {len(row['render_blocking']):8} "
                          f"{row['lcp_ms']:7} {row['cls']:5}" + (f"  not passed: {', '.join(row['not_passed'])}"
                                                                 if row["not_passed"] else ""), flush=True)
        server.shutdown()
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
