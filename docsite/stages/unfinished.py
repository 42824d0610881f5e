"""Half-made pages: a title that is still the file's name, or text that is still its archetype's
placeholder (templates/archetypes/, from which ``build.py new`` starts a page, as a draft).

Such a page is an error when it would be published, and a warning while it is a draft (or when
drafts are previewed): nothing half-made is ever published, and ``check --strict`` says what is
left to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import yaml

from docsite.diagnostics import Diagnostics
from docsite.model.config import PageType, SiteConfig
from docsite.model.page import Content, Page
from docsite.text import sourcetext
from docsite.text.variants import Text, plain

FOLDER = Path("templates") / "archetypes"


#: The archetypes of a site: each file's name and text.
Sources = tuple[tuple[str, str], ...]


def sources(config: SiteConfig) -> Sources:
    folder = config.root / FOLDER
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return tuple((path.name, path.read_text(encoding="utf-8", errors="replace")) for path in files)


@lru_cache(maxsize=4)
def _environment(archetypes: Sources) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(dict(archetypes)), keep_trailing_newline=True, autoescape=False)
    env.filters["yaml"] = lambda value: yaml.safe_dump(str(value), allow_unicode=True).removesuffix("\n...\n").strip()
    return env


#: A page made from an archetype: the archetype's file name, and the page's text.
Made = tuple[str, str]
#: A problem of an archetype: the file (relative to the site's root), line, column, message and hint.
Problem = tuple[Path, int, int, str, str]


def archetype(archetypes: Sources, ptype: PageType, title: str, date: str | None) -> Made:
    """A new page of ``ptype``, from its archetype ``<type>.md``, else ``default.md``; raises
    jinja2.TemplateError (TemplateNotFound when there is neither)."""
    return _made(archetypes, ptype.name, _required(ptype), title, date)


def _required(ptype: PageType) -> tuple[str, ...]:
    return tuple(f.name for f in ptype.fields if f.required)


def _made(archetypes: Sources, name: str, required: tuple[str, ...], title: str, date: str | None) -> Made:
    template = _environment(archetypes).select_template([f"{name}.md", "default.md"])
    return str(template.name), template.render(title=title, date=date, required=required)


@dataclass(frozen=True)
class Parts:
    """A page made from an archetype, read: its fields, and the lines of its body."""

    fields: dict[str, object]
    lines: frozenset[str]


def read(archetypes: Sources, made: Made) -> Parts | tuple[Problem, ...]:
    """A made page's parts, its front matter read as every YAML file is (aliases, nesting, tags and
    characters checked); else its problems, at the archetype's lines."""
    name, text = made
    start = 4 if text.startswith("---\n") else 0
    end = text.find("\n---\n", start)
    head, body = (text[start:end], text[end + 5:]) if end >= 0 else (text[start:], "")
    found = Diagnostics(Path())
    parsed = sourcetext.parse_yaml(head, Path(), found, first_line=2 if start else 1)
    if parsed is None:
        written = dict(archetypes)[name].split("\n")
        return tuple((FOLDER / name, _written_at(written, text, item.line), item.col, item.message, item.hint)
                     for item in found.errors)
    fields = parsed[0]
    return Parts(fields if isinstance(fields, dict) else {},
                 frozenset(line.strip() for line in body.splitlines() if line.strip()))


def _written_at(written: list[str], made: str, line: int) -> int:
    """The line of an archetype (``written``, its lines) that wrote line ``line`` of the page it made:
    the one written the same, else the line of that number (a line with {{ }} is made otherwise)."""
    lines = made.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else None
    return written.index(text) + 1 if text in written else line


#: What an archetype writes whatever the page: its fields' text and its body's lines.
Placeholders = Parts
NONE = Placeholders({}, frozenset())
#: A part of a page still to be written: line, column, message and hint.
Unfinished = tuple[int, int, str, str]


def placeholders(archetypes: Sources, ptype: PageType) -> Placeholders | tuple[Problem, ...]:
    """The archetype of ``ptype`` made for two different pages: what both share is placeholder.
    Kept while the archetypes are the same (the preview server checks at every save); the
    archetype's mistakes when it cannot be made or read."""
    return _placeholders(archetypes, ptype.name, _required(ptype))


@lru_cache(maxsize=256)
def _placeholders(archetypes: Sources, name: str, required: tuple[str, ...]) -> Placeholders | tuple[Problem, ...]:
    try:
        a, b = (read(archetypes, _made(archetypes, name, required, title, date))
                for title, date in (("甲", "1950"), ("乙", "1951")))
    except jinja2.TemplateNotFound:
        return NONE
    except jinja2.TemplateError as exc:
        return ((FOLDER, 0, 0, str(exc), ""),)
    if not isinstance(a, Parts) or not isinstance(b, Parts):
        return a if not isinstance(a, Parts) else b
    return Placeholders({k: v for k, v in a.fields.items() if isinstance(v, str) and v and b.fields.get(k) == v},
                        a.lines & b.lines)


def by_type(config: SiteConfig) -> dict[str, Placeholders]:
    """By page type, what every page made from its archetype has (none where the archetype cannot
    be read: ``check`` says why): loading finds it in each page (``found``, kept in
    ``Page.unfinished``). The archetypes are among the files every page is made with, so a page a
    build keeps from before was looked at with the same placeholders."""
    archetypes = sources(config)
    return {ptype.name: made if isinstance(made := placeholders(archetypes, ptype), Placeholders) else NONE
            for ptype in config.types}


def check(content: Content, config: SiteConfig, diags: Diagnostics, drafts: bool) -> None:
    """Report each half-made page (found as it loaded, see ``found``): an error when it would be
    published, else a warning; and each archetype that cannot be read."""
    archetypes = sources(config)
    for ptype in config.types:
        made = placeholders(archetypes, ptype)
        if isinstance(made, Placeholders):
            continue
        for path, line, col, message, hint in made:
            diags.warning(config.root / path, line, f"the archetype of '{ptype.name}' cannot be read: {message}",
                          f"{hint + '; ' if hint else ''}fix it, or build.py new cannot start such a page", col=col)
    for page in content.pages:
        published = not page.draft and not drafts
        for line, col, message, hint in page.unfinished:
            if published:
                diags.error(page.path, line, message, hint, col=col)
            else:
                state = "previewed, not published" if drafts else "not published"
                diags.warning(page.path, line, f"{message} (a draft: {state})", f"{hint}; then remove 'draft: true'",
                              col=col)


def found(page: Page, archetype: Placeholders, body: list[str]) -> tuple[Unfinished, ...]:
    """What is still to be written of ``page`` (its ``body``'s lines as written), as it is loaded:
    a title that is still the file's name, a field or a line of the body still ``archetype``'s
    placeholder."""
    slug = page.id.rpartition("/")[2]
    title = [(*page.loc("title"), f"the title is still the file's name '{slug}'",
              "write the page's title in Chinese, e.g. title: 安德烈·维辛斯基")] \
        if "title" not in page.faulty and plain(page.title) == slug else []
    fields = [(*page.loc(name), f"'{name}' is still the archetype's placeholder「{text}」",
               f"write the page's own {name}, or delete the line")
              for name, text in archetype.fields.items()
              if isinstance(value := page.fields.get(name), Text) and plain(value).strip() == text]
    lines = [(page.body_line + i, 1, f"the text is still the archetype's placeholder「{text}」",
              "write the page's text in its place")
             for i, line in enumerate(body) if (text := line.strip()) in archetype.lines] if archetype.lines else []
    return (*title, *fields, *lines)
