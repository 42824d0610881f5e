"""The floor: the least work a build of two script variants can be in plain Python, in one process.

    .venv/bin/python benchmarks/floor.py SITE OUT   # SITE: a corpus folder (benchmarks/corpus.py)

Reads every content file, parses its front matter with PyYAML, renders its body with markdown-it-py
(CommonMark with tables, strikethrough and footnotes, as docsite does), converts the title and the
HTML with docsite's OpenCC into each variant (t2s and s2tw), fills one small Jinja template and
writes each page once per variant. No links resolved, no timelines, no search, no incremental
machinery: benchmarks/run.py reports docsite's time as a multiple of this one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from docsite.text.opencc_fast import converter

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    '<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><main><article><h1>{{ title }}</h1>{{ body }}</article></main></body></html>\n")
VARIANTS = {"zh-hans": "t2s", "zh-hant": "s2tw"}


def main(site: Path, out: Path) -> None:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
    converters = {variant: converter(config) for variant, config in VARIANTS.items()}
    for path in sorted((site / "content").rglob("*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        title = str(yaml.safe_load(front)["title"])
        html = md.render(body)
        page = path.relative_to(site / "content").with_suffix("")
        for variant, convert in converters.items():
            target = out / variant / page / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(TEMPLATE.render(lang=variant, title=convert.convert(title),
                                              body=Markup(convert.convert(html))), "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
