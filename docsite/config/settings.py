"""site.yaml: the variants, the page types and their fields, the navigation.

Everything an editor may want to change about the site's shape lives there, so adding a type or a
script variant needs no code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docsite.diagnostics import Diagnostics
from docsite.text import dates
from docsite.text.dates import EDTF
from docsite.text.sourcetext import parse_yaml, read_text
from docsite.text.variants import MarkupError, Text, opencc_configs, protect

#: Fields every page may have, with their kinds; types add their own in site.yaml.
COMMON_FIELDS: dict[str, str] = {
    "title": "text",
    "summary": "text",
    "date": "date",
    "period": "date",
    "related": "refs",
    "tags": "tags",
    "sources": "sources",
    "draft": "bool",
    "glossary": "glossary",
    "changed": "day",  # the day of the last change worth citing, when git's is not the one
}
FIELD_KINDS = {"text", "int", "date", "ref", "refs", "names", "bool", "wikipedia", "geo"}
VARIANT_CODE = re.compile(r"^zh(-[a-z]{2,4})?$")


@dataclass(frozen=True)
class Variant:
    code: str  # path segment and markup code, e.g. zh-hant
    label: str  # shown in the switcher exactly as written
    lang: str  # BCP 47 tag for <html lang>, e.g. zh-Hant
    opencc: str  # OpenCC configuration, e.g. s2tw


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    label: str
    required: bool = False
    schema: str = ""  # the schema.org property it fills in the page's JSON-LD, e.g. birthDate


@dataclass(frozen=True)
class PageType:
    name: str
    pattern: str  # glob over page ids, e.g. "people/*"
    label: str
    plural: str
    list_id: str | None  # id of the generated list page, if any
    template: str
    order: str  # "number", "date" or "id"
    fields: tuple[FieldSpec, ...]
    schema: str = ""  # the schema.org type of what its pages describe, e.g. Person; none: a plain WebPage

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class NavItem:
    id: str  # a page, a type's list page, or "tags"
    label: str | None  # shown instead of the target's title, for long titles


@dataclass(frozen=True)
class LintConfig:
    """Settings of the conversion lint (see docsite/text/lint.py)."""

    characters: dict[str, dict[str, list[str]]]  # added to docsite/text/risky.yaml: character -> form -> words
    accept: tuple[str, ...] = ()  # words reviewed and found right as OpenCC converts them
    names_from: tuple[str, ...] = ()  # types whose page titles are names of people


@dataclass(frozen=True)
class TimelineConfig:
    """Which pages make the chronology (see docsite/stages/timelines.py)."""

    entries: tuple[str, ...] = ()  # types whose dated pages are timeline entries (events)
    named: str = ""  # the type of named timelines (pages that select entries)
    eras: tuple[tuple[Text, EDTF], ...] = ()  # bands on the overview


@dataclass(frozen=True)
class ContentsConfig:
    """Which pages get a table of contents: those long enough to need one."""

    min_length: int = 2000  # characters of the body's text, spaces not counted
    min_headings: int = 3  # the body's headings of levels 2 and 3 (## and ###)


@dataclass(frozen=True)
class MapsConfig:
    """Maps (see docsite/stages/maps.py): pages with a geo field have one each, and a map page shows them all."""

    places_of: tuple[str, ...] = ()  # types whose pages show the located pages they name on a map of their own


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    tagline: str
    base_url: str
    variants: tuple[Variant, ...]
    types: tuple[PageType, ...]
    nav: tuple[NavItem, ...]
    allow_html: bool
    lint: LintConfig
    timeline: TimelineConfig
    contents: ContentsConfig
    maps: MapsConfig = MapsConfig()

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    def variant(self, code: str) -> Variant | None:
        return next((v for v in self.variants if v.code == code), None)


def bcp47(code: str) -> str:
    """zh-hans -> zh-Hans, zh-tw -> zh-TW: the tag browsers use to pick glyphs."""
    parts = code.split("-")
    return "-".join([parts[0]] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]])


_TOP_KEYS = {"title", "tagline", "base_url", "variants", "types", "nav", "allow_html", "lint", "timeline", "contents",
             "maps"}
_LINT_KEYS = {"characters", "accept", "names_from"}
_TYPE_KEYS = {"pattern", "label", "plural", "list", "template", "order", "fields", "schema"}


def load_config(root: Path, diags: Diagnostics, base_url: str | None = None) -> SiteConfig | None:
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

    def line(*key: Any) -> int:
        return locs.get(key, (1, 0))[0]

    for key in data:
        if key not in _TOP_KEYS:
            diags.error(path, line(key, "__key__"), f"unknown setting '{key}'",
                        f"known settings: {', '.join(sorted(_TOP_KEYS))}")

    variants = []
    available = opencc_configs()
    for i, raw in enumerate(data.get("variants") or []):
        if not isinstance(raw, dict) or not {"code", "label", "opencc"} <= raw.keys():
            diags.error(path, line("variants", i), "a variant needs code, label and opencc",
                        "for example {code: zh-hant, label: 繁體中文, opencc: s2tw}")
            continue
        code = str(raw["code"])
        if not VARIANT_CODE.match(code):
            diags.error(path, line("variants", i, "code"), f"'{code}' is not a Chinese variant code",
                        "use a code such as zh-hans, zh-hant, zh-tw or zh-hk")
        if raw["opencc"] not in available:
            diags.error(path, line("variants", i, "opencc"), f"unknown OpenCC configuration '{raw['opencc']}'",
                        f"available: {', '.join(sorted(available))}")
        variants.append(Variant(code, str(raw["label"]), str(raw.get("lang") or bcp47(code)), str(raw["opencc"])))
    if not variants:
        diags.error(path, line("variants"), "site.yaml lists no variants")
    if len({v.code for v in variants}) != len(variants):
        diags.error(path, line("variants"), "a variant code is listed twice")

    types = []
    for name, raw in (data.get("types") or {}).items():
        raw = raw or {}
        for key in raw:
            if key not in _TYPE_KEYS:
                diags.error(path, line("types", name, key, "__key__"), f"unknown setting '{key}' in type '{name}'",
                            f"known settings: {', '.join(sorted(_TYPE_KEYS))}")
        fields = []
        for fname, spec in (raw.get("fields") or {}).items():
            spec = spec or {}
            kind = spec.get("kind", "text")
            if kind not in FIELD_KINDS:
                diags.error(path, line("types", name, "fields", fname), f"unknown field kind '{kind}'",
                            f"known kinds: {', '.join(sorted(FIELD_KINDS))}")
            fields.append(FieldSpec(fname, kind, str(spec.get("label", fname)), bool(spec.get("required")),
                                    str(spec.get("schema", ""))))
        label = str(raw.get("label", name))
        types.append(PageType(
            name=name,
            pattern=str(raw.get("pattern", f"{name}/*")),
            label=label,
            plural=str(raw.get("plural", label)),
            list_id=raw.get("list"),
            template=str(raw.get("template", f"{name}.html")),
            order=str(raw.get("order", "date")),
            fields=tuple(fields),
            schema=str(raw.get("schema", "")),
        ))
    nav = []
    for i, item in enumerate(data.get("nav") or []):
        if isinstance(item, str):
            nav.append(NavItem(item, None))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            nav.append(NavItem(item["id"], str(item["label"]) if "label" in item else None))
        else:
            diags.error(path, line("nav", i), "a navigation entry is a page id or {id: ..., label: ...}",
                        "for example: nav: [{id: treaty, label: 条约}, people, places]")
    raw_lint = data.get("lint") or {}
    for key in raw_lint:
        if key not in _LINT_KEYS:
            diags.error(path, line("lint", key, "__key__"), f"unknown lint setting '{key}'",
                        f"known settings: {', '.join(sorted(_LINT_KEYS))}")
    characters = raw_lint.get("characters") or {}
    if not isinstance(characters, dict) or not all(isinstance(f, dict) for f in characters.values()):
        diags.error(path, line("lint", "characters"), "lint.characters maps a character to its forms and their words",
                    "for example: 并: {並: [并且], 併: [合并]}")
        characters = {}
    lint = LintConfig({str(k): {str(f): [str(w) for w in (ws or [])] for f, ws in v.items()}
                       for k, v in characters.items()},
                      tuple(str(w) for w in raw_lint.get("accept") or ()),
                      tuple(str(t) for t in raw_lint.get("names_from") or ()))
    raw_timeline = data.get("timeline") or {}
    eras = []
    for i, era in enumerate(raw_timeline.get("eras") or []):
        try:
            eras.append((protect(str(era["label"])), dates.parse(str(era["period"]))))
        except (KeyError, TypeError):
            diags.error(path, line("timeline", "eras", i), "an era needs a label and a period",
                        "for example {label: 中苏同盟, period: 1950-02-14/1960-07-16}")
        except (dates.DateError, MarkupError) as exc:
            diags.error(path, line("timeline", "eras", i), str(exc), dates.HINT)
    timeline = TimelineConfig(tuple(raw_timeline.get("entries") or ()), str(raw_timeline.get("named", "")),
                              tuple(eras))
    contents = _contents(data.get("contents"), path, line, diags)
    places_of = tuple(str(t) for t in (data.get("maps") or {}).get("places_of") or ())
    for i, name in enumerate(places_of):
        if name not in {t.name for t in types}:
            diags.error(path, line("maps", "places_of", i), f"maps.places_of: no page type is called '{name}'",
                        f"types: {', '.join(t.name for t in types)}")
    if diags.errors:
        return None
    url = base_url if base_url is not None else str(data.get("base_url", "/"))
    return SiteConfig(
        root=root,
        title=str(data.get("title", "")),
        tagline=str(data.get("tagline", "")),
        base_url=url if url.endswith("/") else url + "/",
        variants=tuple(variants),
        types=tuple(types),
        nav=tuple(nav),
        allow_html=bool(data.get("allow_html", False)),
        lint=lint,
        timeline=timeline,
        contents=contents,
        maps=MapsConfig(places_of),
    )


def _contents(raw: Any, path: Path, line: Callable[..., int], diags: Diagnostics) -> ContentsConfig:
    """The ``contents`` setting: whole numbers for the lengths a page needs to get a table of contents."""
    hint = "for example contents: {min_length: 2000, min_headings: 3}"
    if raw is None:
        return ContentsConfig()
    if not isinstance(raw, dict):
        diags.error(path, line("contents"), "contents is a mapping of min_length and min_headings", hint)
        return ContentsConfig()
    values = {}
    for key, value in raw.items():
        if key not in ("min_length", "min_headings"):
            diags.error(path, line("contents", key, "__key__"), f"unknown contents setting '{key}'",
                        "known settings: min_headings, min_length")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            diags.error(path, line("contents", key), f"contents.{key} must be a whole number, 0 or more", hint)
        else:
            values[key] = value
    return ContentsConfig(**values)
