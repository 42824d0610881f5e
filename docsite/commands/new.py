"""``build.py new TYPE SLUG``: start a content file from the type's archetype.

Archetypes are Markdown files in templates/archetypes/ (``<type>.md``, else ``default.md``) that
editors can change; the new file never overwrites one that exists. The shipped archetypes start a
draft, whose placeholders keep it from being published until they are written over (see
``docsite.stages.unfinished``).
"""

from __future__ import annotations

import sys
from fnmatch import fnmatchcase
from pathlib import Path

from docsite.config.settings import load_config
from docsite.diagnostics import Diagnostics, program
from docsite.model.config import SiteConfig
from docsite.stages import unfinished
from docsite.stages.load import ID_SEGMENT
from docsite.text import dates


class ScaffoldError(ValueError):
    pass


def run(root: Path, type_name: str, slug: str, title: str | None, date: str | None) -> int:
    """The command: the new file's path on standard output, or what to do instead on standard error."""
    diags = Diagnostics(root)
    config = load_config(root, diags)
    if config is None:
        diags.report()
        return 1
    try:
        path = new_page(config, type_name, slug, title, date, diags)
    except ScaffoldError as exc:
        print(f"{program()} new: error: {exc}", file=sys.stderr)
        return 2
    if path is None:
        diags.report()
        return 1
    print(path.relative_to(root.resolve()) if path.is_relative_to(root.resolve()) else path)
    print("write the title, the summary and the text in place of the placeholders; while the page says "
          f"'draft: true' it is not published ({program()} check says what is left)", file=sys.stderr)
    return 0


def new_page(config: SiteConfig, type_name: str, slug: str, title: str | None, date: str | None,
             diags: Diagnostics) -> Path | None:
    """Write the new page and return its path; raises ScaffoldError saying what to do instead, or
    returns None when the archetype makes a page that cannot be read (its problems in ``diags``)."""
    ptype = next((t for t in config.types if t.name == type_name), None)
    if ptype is None:
        raise ScaffoldError(f"unknown type '{type_name}'; types: {', '.join(t.name for t in config.types)}")
    if "*" not in ptype.pattern:
        raise ScaffoldError(f"the type '{type_name}' has a single page, {ptype.pattern}: edit it instead")
    if not ID_SEGMENT.match(slug):
        raise ScaffoldError(f"'{slug}' cannot be a page name: use lowercase letters a-z, digits and single hyphens, "
                            "e.g. andrey-vyshinsky")
    pid = f"{ptype.pattern.rpartition('/')[0]}/{slug}".lstrip("/")
    if not fnmatchcase(pid, ptype.pattern):
        raise ScaffoldError(f"a {type_name} page must be named like {ptype.pattern}")
    if type_name in config.timeline.entries and not date:
        raise ScaffoldError(f"pages of type '{type_name}' need a date: add --date, e.g. --date 1950-02-14 "
                            "(or 1950-02, 1950~)")
    if date:
        try:
            dates.parse(date)
        except dates.DateError as exc:
            raise ScaffoldError(f"--date: {exc}; {dates.HINT}") from None
    path = config.content_dir / f"{pid}.md"
    if path.exists() or (config.content_dir / pid / "index.md").exists():
        raise ScaffoldError(f"{path.relative_to(config.root)} exists already; nothing was changed")
    archetypes = unfinished.sources(config)
    made = unfinished.archetype(archetypes, ptype, title or slug, date)
    problems = unfinished.read(archetypes, made)
    if not isinstance(problems, unfinished.Parts):
        for where, line, col, message, hint in problems:
            diags.error(config.root / where, line, f"the archetype cannot be read: {message}", hint, col=col)
        return None
    text = made[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path
