"""Reference list entries in the style of GB/T 7714-2015 (the Chinese national standard), and the
entries that cite a page of the site itself, in GB/T 7714 and BibTeX.

Returns the entry's text (to be converted into the reader's script) and its URL (never converted).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from docsite.model.page import Source
from docsite.stages.load import SOURCE_TYPES

_LATIN = re.compile(r"^[\x00-\u024f\s]+$")


def _names(value: Any) -> str:
    names = [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
    if len(names) > 3:
        etal = "et al" if all(_LATIN.match(n) for n in names) else "等"
        names = [*names[:3], etal]
    return ", ".join(names)


class FormattedSource(NamedTuple):
    """An entry of a list of references: its text, e.g. '沈志华. 中苏同盟与朝鲜战争研究[M]. 桂林:
    广西师范大学出版社, 1999.', and the source's address, if it has one."""

    text: str
    url: str | None


def format_source(source: Source) -> FormattedSource:
    """One entry of a list of references, as GB/T 7714 writes it."""
    d = source.data
    code = source.type_code
    parts = []
    author = _names(d.get("author"))
    if author:
        parts.append(f"{author}. ")
    parts.append(f"{d['title']}[{code}]")
    container = d.get("container")
    if container and code in ("J", "N"):
        parts.append(f". {container}")
        when = d.get("date", d.get("year")) if code == "N" else d.get("year")
        if when:
            parts.append(f", {when}")
        if code == "J" and d.get("volume"):
            parts.append(f", {d['volume']}")
        if d.get("issue"):
            parts.append(f"({d['issue']})")
        if d.get("pages"):
            parts.append(f": {d['pages']}" if code == "J" else f"({d['pages']})")
        parts.append(".")
    else:
        if container:
            editor = _names(d.get("editor"))
            parts.append("//" + (f"{editor}. " if editor else "") + str(container))
        place, publisher = d.get("place"), d.get("publisher")
        imprint = ": ".join(str(x) for x in (place, publisher) if x)
        year = d.get("year") or ""
        if d.get("date") and code == "EB/OL":
            year = f"{year}({d['date']})" if year else f"({d['date']})"
        if imprint or year:
            parts.append(". " + ", ".join(str(x) for x in (imprint, year) if x))
        if d.get("accessed"):
            parts.append(f"[{d['accessed']}]")
        if d.get("pages"):
            parts.append(f": {d['pages']}")
        parts.append(".")
    return FormattedSource("".join(parts), d.get("url"))



def web_page(title: str, site: str, changed: str | None, url: str, accessed: str) -> str:
    """A page of a website as GB/T 7714 cites it: '题名[EB/OL]. 网站名, (更新日期)[引用日期]. URL.'"""
    data = {"title": title, "publisher": site, "date": changed, "accessed": accessed}
    text = format_source(Source("", SOURCE_TYPES["web"], {k: v for k, v in data.items() if v}, 0)).text
    return f"{text} {url}."


#: What BibTeX reads as markup in a field's text, written so that it reads as itself.
_TEX = str.maketrans({**{c: "\\" + c for c in "&%$#_{}"}, "\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                      "^": r"\textasciicircum{}"})


def bibtex(key: str, title: str, site: str, changed: str | None, url: str, accessed: str) -> str:
    """The same page as a biblatex @online entry (which biblatex-gb7714-2015 prints as [EB/OL]);
    ``url`` and ``accessed`` are written as given, BibTeX reads them verbatim."""
    fields = [("title", title.translate(_TEX)), ("organization", site.translate(_TEX)), ("date", changed or ""),
              ("url", url), ("urldate", accessed)]
    lines = [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "@online{" + key + ",\n" + "\n".join(lines) + "\n}"
