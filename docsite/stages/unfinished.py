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


def archetype(archetypes: Sources, ptype: PageType, title: str, date: str | None) -> str:
    """A new page of ``ptype``, from its archetype ``<type>.md``, else ``default.md``; raises
    jinja2.TemplateError (TemplateNotFound when there is neither)."""
    return _made(archetypes, ptype.name, _required(ptype), title, date)


def _required(ptype: PageType) -> tuple[str, ...]:
    return tuple(f.name for f in ptype.fields if f.required)


def _made(archetypes: Sources, name: str, required: tuple[str, ...], title: str, date: str | None) -> str:
    template = _environment(archetypes).select_template([f"{name}.md", "default.md"])
    return template.render(title=title, date=date, required=required)


@dataclass(frozen=True)
class Placeholders:
    """What an archetype writes whatever the page: its fields' text and its body's lines."""

    fields: dict[str, str]
    lines: frozenset[str]


NONE = Placeholders({}, frozenset())


def placeholders(archetypes: Sources, ptype: PageType) -> Placeholders | str:
    """The archetype of ``ptype`` made for two different pages: what both share is placeholder.
    Kept while the archetypes are the same (the preview server checks at every save); the
    archetype's mistake when it cannot be made."""
    return _placeholders(archetypes, ptype.name, _required(ptype))


@lru_cache(maxsize=256)
def _placeholders(archetypes: Sources, name: str, required: tuple[str, ...]) -> Placeholders | str:
    try:
        made = [_parts(_made(archetypes, name, required, title, date))
                for title, date in (("甲", "1950"), ("乙", "1951"))]
    except jinja2.TemplateNotFound:
        return NONE
    except (jinja2.TemplateError, yaml.YAMLError) as exc:
        return str(exc)
    (fields_a, lines_a), (fields_b, lines_b) = made
    return Placeholders({k: v for k, v in fields_a.items() if isinstance(v, str) and v and fields_b.get(k) == v},
                        frozenset(lines_a & lines_b))


def _parts(text: str) -> tuple[dict[str, object], set[str]]:
    """An archetype's front matter and the lines of its body."""
    _, _, rest = text.partition("---\n")
    head, _, body = rest.partition("\n---\n")
    fields = yaml.safe_load(head)
    return (fields if isinstance(fields, dict) else {}), {line.strip() for line in body.splitlines() if line.strip()}


def check(content: Content, config: SiteConfig, diags: Diagnostics, drafts: bool) -> None:
    """Report each half-made page: an error when it would be published, else a warning."""
    archetypes = sources(config)
    known: dict[str, Placeholders] = {}
    for ptype in config.types:
        found = placeholders(archetypes, ptype)
        if isinstance(found, str):
            diags.warning(config.root / FOLDER, 0, f"the archetype of '{ptype.name}' cannot be read: {found}",
                          "fix it, or build.py new cannot start such a page")
        known[ptype.name] = found if isinstance(found, Placeholders) else NONE
    for page in content.pages:
        published = not page.draft and not drafts
        for line, col, message, hint in _unfinished(page, known[page.type.name]):
            if published:
                diags.error(page.path, line, message, hint, col=col)
            else:
                state = "previewed, not published" if drafts else "not published"
                diags.warning(page.path, line, f"{message} (a draft: {state})", f"{hint}; then remove 'draft: true'",
                              col=col)


def _unfinished(page: Page, archetype: Placeholders) -> list[tuple[int, int, str, str]]:
    """Line, column, message and hint for each part of ``page`` still to be written."""
    found = []
    slug = page.id.rpartition("/")[2]
    if "title" not in page.faulty and plain(page.title) == slug:
        found.append((*page.loc("title"), f"the title is still the file's name '{slug}'",
                      "write the page's title in Chinese, e.g. title: 安德烈·维辛斯基"))
    for name, text in archetype.fields.items():
        value = page.fields.get(name)
        if isinstance(value, Text) and plain(value).strip() == text:
            found.append((*page.loc(name), f"'{name}' is still the archetype's placeholder「{text}」",
                          f"write the page's own {name}, or delete the line"))
    if not any(line in page.raw for line in archetype.lines):
        return found
    lines = page.lines()
    for number in range(page.body_line, len(lines) + 1):
        text = lines[number - 1].strip()
        if text in archetype.lines:
            found.append((number, 1, f"the text is still the archetype's placeholder「{text}」",
                          "write the page's text in its place"))
    return found
