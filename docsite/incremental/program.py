"""This program's identity for what .cache/ keeps: a build by another version (or with other
libraries) keeps nothing of it. Kept apart from the build so that the command line can tell an
up-to-date site without loading the build."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

#: Libraries whose output ends up in pages.
LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "opencc-python-reimplemented",
             "rcssmin", "edtf", "pyyaml", "ahocorasick-rs", "pypinyin", "shapely", "pillow")


@cache
def digest() -> bytes:
    """This program, its data (the conversion lint's list, the maps' outlines, the characters'
    pinyin) and the versions of the libraries it uses."""
    hashed = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.yaml")) + sorted(package.rglob("*.json")):
        hashed.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        hashed.update(f"{name}={metadata.version(name)}\0".encode())
    return hashed.digest()
