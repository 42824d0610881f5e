"""site.yaml: the variants, the page types and their fields, the navigation.

Everything an editor may want to change about the site's shape lives there, so adding a type or a
script variant needs no code. Its settings are declared in ``docsite.config.schema``; here they are
read, and checked against each other.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path

from docsite.config.options import At, Invalid, Reported, Section
from docsite.config.schema import SITE
from docsite.diagnostics import Diagnostics
from docsite.model import urls
from docsite.model.config import (
    ContentsConfig,
    LintConfig,
    MapsConfig,
    NavItem,
    PageType,
    SiteConfig,
    TimelineConfig,
    Variant,
)
from docsite.model.fields import PagesKind
from docsite.text.sourcetext import parse_yaml, read_text


def load_config(root: Path, diags: Diagnostics, base_url: str | None = None) -> SiteConfig | None:
    """The site's configuration, or None when site.yaml has mistakes (each reported at its line);
    ``base_url`` replaces the one written there."""
    path = root / "site.yaml"
    if not path.is_file():
        diags.error(path, 0, "site.yaml is missing", "run the command from the site's folder")
        return None
    text = read_text(path, diags)
    parsed = parse_yaml(text, path, diags) if text is not None else None
    if parsed is None:
        return None
    data, locs = parsed
    if not isinstance(data, dict):
        diags.error(path, 1, "site.yaml must be a mapping of settings")
        return None

    at = At(path, locs, diags)
    try:
        return Section(SITE, partial(_site, at, root, base_url)).read(data, at)
    except Invalid as problem:
        at.report(problem)
    except Reported:
        pass
    return None


def _site(at: At, root: Path, base_override: str | None, title: str, tagline: str, base_url: str,
          variants: tuple[Variant, ...], types: dict[str, PageType], nav: tuple[NavItem, ...], allow_html: bool,
          lint: LintConfig, timeline: TimelineConfig, contents: ContentsConfig, maps: MapsConfig) -> SiteConfig:
    problems = _problems(variants, types, nav, lint, timeline, maps) + _missing_templates(at, root, types)
    for problem in problems:
        at.report(problem)
    if problems:
        raise Reported
    url = base_url if base_override is None else base_override
    return SiteConfig(root, title, tagline, url if url.endswith("/") else url + "/", variants, tuple(types.values()),
                      nav, allow_html, lint, timeline, contents, maps)


def _problems(variants: tuple[Variant, ...], types: dict[str, PageType], nav: tuple[NavItem, ...],
              lint: LintConfig, timeline: TimelineConfig, maps: MapsConfig) -> list[Invalid]:
    """What settings say of each other: the types they name exist, the named timeline's fields name
    pages, and each navigation entry names what may be a page."""
    problems = []
    if not variants:
        problems.append(Invalid("site.yaml lists no variants",
                                "for example: variants: [{code: zh-hans, label: 简体中文, opencc: t2s}]", "variants"))
    made = {urls.SEARCH, urls.TAGS, urls.TIMELINE, urls.MAP, *(t.list_id for t in types.values() if t.list_id)}
    problems += [Invalid(f"the navigation entry '{item.id}' names no page: no type's pattern matches it",
                         f"name a page by its id, or one the site makes: {', '.join(sorted(made))}", ("nav", i))
                 for i, item in enumerate(nav) if item.id not in made
                 and not item.id.startswith((urls.TAGS + "/", urls.TIMELINE + "/"))
                 and not any(fnmatchcase(item.id, t.pattern) for t in types.values())]
    named = [("lint", "names_from", i, name) for i, name in enumerate(lint.names_from)]
    named += [("timeline", "entries", i, name) for i, name in enumerate(timeline.entries)]
    problems += [Invalid(f"unknown type '{name}'", f"types: {', '.join(types)}", (section, key, i))
                 for section, key, i, name in named if name not in types]
    if timeline.named and timeline.named not in types:
        problems.append(Invalid(f"unknown type '{timeline.named}'", f"types: {', '.join(types)}",
                                ("timeline", "named")))
    fields = {key: getattr(timeline, key) for key in ("events_field", "concerning_field") if getattr(timeline, key)}
    choices = _references(types.get(timeline.named))
    problems += [Invalid(f"'{name}' is not a ref or refs field of the type '{timeline.named}'",
                         f"its fields that name pages: {', '.join(choices) or 'none'}", ("timeline", key))
                 for key, name in fields.items() if name not in choices]
    on = timeline.timelines_field
    if on and not any(on in _references(types.get(entry)) for entry in timeline.entries):
        problems.append(Invalid(f"'{on}' is not a ref or refs field of any type in timeline.entries",
                                f"declare it, e.g. {on}: {{kind: refs, label: 时间线}}, in the fields of "
                                f"{', '.join(timeline.entries) or 'an entries type'}", ("timeline", "timelines_field")))
    problems += [Invalid(f"maps.places_of: no page type is called '{name}'", f"types: {', '.join(types)}",
                         ("maps", "places_of", i)) for i, name in enumerate(maps.places_of) if name not in types]
    return problems


def _missing_templates(at: At, root: Path, types: dict[str, PageType]) -> list[Invalid]:
    """A template written for a type must be in templates/ (one not written, ``<type>.html``, may be
    missing: its pages have page.html)."""
    return [Invalid(f"type '{name}': there is no template '{ptype.template}' in templates/",
                    "write the name of a file in templates/, such as page.html", ("types", name, "template"))
            for name, ptype in types.items() if ("types", name, "template") in at.locs
            and (".." in ptype.template.split("/") or not (root / "templates" / ptype.template).is_file())]


def _references(ptype: PageType | None) -> list[str]:
    return [name for name, spec in ptype.every_field.items() if isinstance(spec.kind, PagesKind)] if ptype else []
