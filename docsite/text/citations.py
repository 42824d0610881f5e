"""Reference list entries in the style of GB/T 7714-2015 (the Chinese national standard).

Returns the entry's text (to be converted into the reader's script) and its URL (never converted).
"""

from __future__ import annotations

import re
from typing import Any

from docsite.model.page import Source

_LATIN = re.compile(r"^[\x00-\u024f\s]+$")


def _names(value: Any) -> str:
    names = [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
    if len(names) > 3:
        etal = "et al" if all(_LATIN.match(n) for n in names) else "等"
        names = [*names[:3], etal]
    return ", ".join(names)


def format_source(source: Source) -> tuple[str, str | None]:
    """(text, url) of one entry, e.g. '沈志华. 中苏同盟与朝鲜战争研究[M]. 桂林: 广西师范大学出版社, 1999.'"""
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
    return "".join(parts), d.get("url")
