"""Where each page is written and how pages link to each other.

Links between pages are relative, so the output works under any subpath; only canonical and
alternate URLs, which must be absolute, use ``base_url``.
"""

from __future__ import annotations

import posixpath

HOME = "index"


def page_dir(code: str, pid: str) -> str:
    """Folder of a page in a variant's tree, e.g. 'zh-hant/people/zhou-enlai/'."""
    return f"{code}/" if pid == HOME else f"{code}/{pid}/"


def output_path(code: str, pid: str) -> str:
    return page_dir(code, pid) + "index.html"


def relative(from_dir: str, to_dir: str, anchor: str = "") -> str:
    """Relative link between two output folders (both ending in '/'); '' is the site root."""
    rel = posixpath.relpath(to_dir or ".", from_dir or ".")
    rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def absolute(base_url: str, path: str) -> str:
    return base_url + path
