"""Where each page is written and how pages link to each other.

Links between pages are relative, so the output works under any subpath. The URLs machines read
(canonical, hreflang, sitemap, JSON-LD) are absolute when ``base_url`` names a host, and relative
to the page otherwise: a relative URL is still right wherever the folder is served.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from docsite.text.sourcetext import Unquoted

HOME = "index"
SEARCH = "search"  # the search page of each variant (docsite/stages/search.py)
TAGS = "tags"  # the list of tags of each variant, and a page per tag under it
TIMELINE = "timeline"  # the site timeline of each variant, and a page per related type that filters it
MAP = "map"  # the map of every page with coordinates, in each variant (docsite/stages/maps.py)


#: The schemes of the addresses a reader may be sent to (OWASP's allow-list); an address without
#: one is a path, on the site or relative to the page.
SCHEMES = ("http", "https", "mailto")
LINK_HINT = "write an address that starts with http://, https:// or mailto:, or a path on the site"
#: Spaces and control characters, which browsers drop from an address (so that ``java\tscript:`` is
#: ``javascript:`` to them) and which no address needs written raw.
_UNSEEN = re.compile("[\x00-\x20\x7f-\x9f\u00a0\u2000-\u200f\u2028\u2029\u3000\ufeff]")
#: An address up to its path, query or fragment: a ':' there ends its scheme.
_BEFORE_PATH = re.compile(r"[^/?#]*")


def refused(address: Any) -> str | None:
    """Why ``address`` may not be where a link that readers click leads, or None when it may: every
    address a reader can follow, wherever it is written (Markdown, sources.yaml, site.yaml), passes
    here. The scheme is read as browsers read it, case aside (``JaVaScRiPt:``), with nothing they
    drop in it (spaces and control characters are refused), so only those of ``SCHEMES`` pass;
    ``java%09script:`` is a scheme of its own, and refused too, as is an entity (``java&#x09;script:``)."""
    if isinstance(address, Unquoted) or not isinstance(address, str):
        kinds = {bool: "true or false", type(None): "nothing", list: "list", dict: "mapping"}
        kind = kinds.get(type(address), "number")
        return f"{address!r} is not an address (YAML read it as a {kind}): put it in quotes"
    if "&" in address and html.unescape(address) != address and (decoded := refused(html.unescape(address))):
        return decoded  # as a browser would read it in an attribute
    unseen = _UNSEEN.search(address)
    if unseen is not None:
        return (f"an address may not hold the character U+{ord(unseen.group()):04X} (a space or control character)"
                + (": write a space as %20" if unseen.group() == " " else ""))
    match = _BEFORE_PATH.match(address)
    scheme, colon, _ = (match.group() if match else "").partition(":")
    if colon and scheme.lower() not in SCHEMES:
        return f"links may lead to {', '.join(SCHEMES)} addresses and to paths, not to '{scheme}:'"
    return None


def page_dir(code: str, pid: str) -> str:
    """Folder of a page in a variant's tree, e.g. 'zh-hant/people/zhou-enlai/'."""
    return f"{code}/" if pid == HOME else f"{code}/{pid}/"


def plain_text_file(pid: str) -> str:
    """The name of a page's plain-text file, in its folder: a/b -> a-b.txt (a name that
    says what the file is once downloaded)."""
    return pid.replace("/", "-") + ".txt"


def neutral_dir(pid: str) -> str:
    """Folder of a page's script-neutral address, e.g. 'people/zhou-enlai/': it sends readers to their script."""
    return "" if pid == HOME else f"{pid}/"


def relative(from_dir: str, to: str, anchor: str = "") -> str:
    """Relative link from an output folder to a folder (ending in '/') or a file; '' is the site root.

    Both are paths inside the output, so this is string work (os.path.relpath asks the disk): up
    from ``from_dir`` to the nearest folder above it that holds ``to``, then down. A page asks for
    dozens, all from its own folder, whose folders above it are listed once (``_ups``); a list of
    every page asks for thousands of targets, met once each, so nothing is kept per target.
    """
    for above, up in _ups(from_dir):  # the last, '' (the root), is above every folder
        if to.startswith(above):
            rel = up + to[len(above):] or "./"  # '': ``to`` is ``from_dir``
            break
    return rel + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1 << 10)  # a page's folder serves each of its links, then is not met again
def _ups(folder: str) -> tuple[tuple[str, str], ...]:
    """``folder`` and each folder above it ('a/b/', 'a/', the root ''), nearest first, with the way
    up to it from ``folder``."""
    segments = [segment + "/" for segment in folder.strip("/").split("/")] if folder.strip("/") else []
    return tuple(("".join(segments[:depth]), "../" * (len(segments) - depth)) for depth in range(len(segments), -1, -1))


def is_absolute(base_url: str) -> bool:
    """Whether ``base_url`` names a host, so that canonical links and a sitemap can be written."""
    parts = urlsplit(base_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def base_path(base_url: str) -> str:
    """The path the site is served under: '/treaty-1950/' for https://example.org/treaty-1950/."""
    return urlsplit(base_url).path


def public(base_url: str, from_dir: str, to: str) -> str:
    """A URL for machines: absolute from ``base_url`` when it names a host, else relative to the page."""
    return base_url + to if is_absolute(base_url) else relative(from_dir, to)
